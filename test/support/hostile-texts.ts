// Outside text that would be live in Slack mrkdwn if echoed raw: special mentions, user and
// channel mentions, disguised links, pre-escaped entities, code-span breakouts, bidi and zero-width tricks.
export const HOSTILE_TEXTS = [
  '<!channel>',
  '<!here|here>',
  '<!everyone>',
  '<!subteam^S0ADMINS1>',
  '<@U0ADMIN001>',
  '<#C0GENERAL1>',
  '<https://evil.example/login|Approve in GitLab>',
  '<mailto:a@evil.example|mail>',
  '&lt;!channel&gt;',
  '``` <!channel> ```',
  '`<!here>`',
  '*bold* _it_ ~s~ >quote',
  '\u202e<!channel>\u202c',
  '<\u200b!channel>',
];
