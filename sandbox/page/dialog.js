/* global document */
// Slack's confirm dialog for a button that carries `confirm`: title, text, confirm and deny words.
import { mrkdwn, escapeHtml } from './mrkdwn.js';

export function confirmDialog(confirm, names) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').innerHTML = escapeHtml(confirm.title?.text ?? 'Are you sure?');
  const text = confirm.text ?? {};
  document.getElementById('confirm-text').innerHTML =
    text.type === 'mrkdwn' ? mrkdwn(text.text, names) : escapeHtml(text.text ?? '');
  const ok = document.getElementById('confirm-ok');
  ok.textContent = confirm.confirm?.text ?? 'Yes';
  ok.className = confirm.style === 'danger' ? 'danger' : 'primary';
  document.getElementById('confirm-deny').textContent = confirm.deny?.text ?? 'Cancel';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}
