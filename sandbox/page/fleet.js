/* global document */
// The side panel: Proxmox VMs, GitLab runners, Alertmanager's alerts and silences, runnerbot's
// health, polled from the launcher; the buttons that fire and resolve a RunnerDown alert, and the
// one that makes the next provision fail.
import { escapeHtml } from './mrkdwn.js';

const POLL_MS = 1000;

const rows = (id, html) => {
  document.querySelector(`#${id} tbody`).innerHTML = html || '<tr><td colspan="4">none yet</td></tr>';
};

function since(iso) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return seconds < 60 ? `${seconds}s ago` : `${Math.round(seconds / 60)} min ago`;
}

function render(fleet) {
  rows(
    'vms',
    fleet.vms
      .map(
        (vm) => `<tr data-vmid="${vm.vmid}" data-name="${escapeHtml(vm.name)}" class="${vm.template ? 'template' : ''}">
    <td>${vm.vmid}</td><td>${escapeHtml(vm.name)}${vm.template ? ' (template)' : ''}${vm.lock ? ` 🔒${escapeHtml(vm.lock)}` : ''}</td>
    <td class="status-${vm.status}">${vm.status}</td><td>${escapeHtml(vm.ip ?? '')}</td></tr>`,
      )
      .join(''),
  );
  rows(
    'runners',
    fleet.runners
      .map(
        (r) => `<tr data-runner-id="${r.id}" data-description="${escapeHtml(r.description)}">
    <td>#${r.id}</td><td>${escapeHtml(r.description)}${r.paused ? ' (paused)' : ''}</td><td>${escapeHtml(r.tags.join(', '))}</td><td>${since(r.contactedAt)}</td></tr>`,
      )
      .join(''),
  );
  const am = fleet.alertmanager;
  document.getElementById('alertmanager').innerHTML = am
    ? [
        ...am.alerts.map(
          (a) =>
            `<li class="am-alert">${escapeHtml(a.labels.alertname)} ${escapeHtml(a.labels.runner ?? '')}: ${escapeHtml(a.state)}</li>`,
        ),
        ...am.silences.map(
          (s) =>
            `<li class="am-silence">🔇 silence by ${escapeHtml(s.createdBy)} until ${new Date(s.endsAt).toLocaleTimeString()}: ${escapeHtml(s.matchers.join(', '))}</li>`,
        ),
      ].join('') || '<li>Alertmanager: no alerts, no silences</li>'
    : '<li>no Alertmanager here: alerts go straight to runnerbot</li>';
  const bot = fleet.runnerbot;
  document.getElementById('runnerbot-status').textContent =
    `${bot.healthy ? '🟢 healthy' : '🔴 not answering /healthz'} · ${bot.socketConnections} Socket Mode connection${bot.socketConnections === 1 ? '' : 's'}`;
}

export function startFleetPanel(sandbox) {
  document.getElementById('skipped').innerHTML = sandbox.skipped.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  const poll = async () => {
    try {
      render(await (await fetch('/api/fleet')).json());
    } catch {
      document.getElementById('runnerbot-status').textContent = 'the sandbox launcher is not answering';
    }
    setTimeout(poll, POLL_MS);
  };
  void poll();
  const status = document.getElementById('alert-status');
  const send = (what) => async () => {
    const runner = document.getElementById('alert-runner').value.trim();
    status.textContent = `${what === 'fire' ? 'firing' : 'resolving'} RunnerDown for ${runner}…`;
    const res = await fetch(`/api/alerts/${what}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runner }),
    });
    const answer = await res.json();
    status.textContent = answer.ok
      ? `RunnerDown ${what === 'fire' ? 'fired' : 'resolved'} for ${runner} (via ${answer.via === 'alertmanager' ? 'Alertmanager' : "runnerbot's /alerts"})`
      : `refused: ${answer.error}`;
  };
  document.getElementById('fire-alert').addEventListener('click', send('fire'));
  document.getElementById('resolve-alert').addEventListener('click', send('resolve'));
  document.getElementById('fail-next').addEventListener('click', async () => {
    const answer = await (await fetch('/api/faults/next-provision', { method: 'POST' })).json();
    document.getElementById('fail-status').textContent = answer.ok
      ? 'the next provision will fail at create-runner'
      : `refused: ${answer.error}`;
  });
}
