// Block Kit as Slack draws it: header, section (text, fields, accessory), context, divider,
// actions with buttons (and their confirm dialogs), image; anything else shows its fallback text.
import { escapeHtml, mrkdwn, plain } from './mrkdwn.js';

const text = (t, names) => (!t ? '' : t.type === 'mrkdwn' ? mrkdwn(t.text, names) : plain(t.text));

function button(element, index) {
  const style = element.style === 'primary' || element.style === 'danger' ? element.style : '';
  const url = element.url ? ` data-url="${escapeHtml(element.url)}"` : '';
  return `<button type="button" class="block-button ${style}" data-action-id="${escapeHtml(element.action_id ?? '')}" data-element="${index}"${url}>${escapeHtml(element.text?.text ?? 'Button')}</button>`;
}

function contextElement(element, names) {
  if (element.type === 'image')
    return `<img alt="${escapeHtml(element.alt_text ?? '')}" src="${escapeHtml(element.image_url ?? '')}" width="16" height="16">`;
  return text(element, names);
}

/** `buttons` collects every interactive element, so the page can find what a click means. */
function block(b, names, buttons) {
  const add = (element) => {
    buttons.push(element);
    return button(element, buttons.length - 1);
  };
  switch (b.type) {
    case 'header':
      return `<div class="block-header">${plain(b.text?.text)}</div>`;
    case 'divider':
      return '<hr class="block-divider">';
    case 'context':
      return `<div class="block-context">${(b.elements ?? []).map((e) => contextElement(e, names)).join(' ')}</div>`;
    case 'actions':
      return `<div class="block-actions">${(b.elements ?? [])
        .filter((e) => e.type === 'button')
        .map(add)
        .join('')}</div>`;
    case 'image':
      return `<img class="block-image" alt="${escapeHtml(b.alt_text ?? '')}" src="${escapeHtml(b.image_url ?? '')}">`;
    case 'section': {
      const fields = b.fields?.length
        ? `<div class="fields">${b.fields.map((f) => `<div>${text(f, names)}</div>`).join('')}</div>`
        : '';
      const accessory = b.accessory?.type === 'button' ? add(b.accessory) : '';
      return `<div class="block-section"><div>${text(b.text, names)}${fields}</div>${accessory}</div>`;
    }
    default:
      return '';
  }
}

/** The message body: its blocks, or its text when it has none. */
export function renderBody(message, names, buttons) {
  if (!Array.isArray(message.blocks) || message.blocks.length === 0)
    return `<div class="block-section"><div>${mrkdwn(message.text, names)}</div></div>`;
  return message.blocks.map((b) => block(b, names, buttons)).join('');
}
