// The CYBEX-P inputs page: the table refreshes itself every 2 s from status.json (the CLI's status answer);
// buttons post the CLI's commands. Everything is built with textContent: no value is ever parsed as HTML.
(function () {
  'use strict';
  const HEADER = {'X-Cybexp-Console': '1'};
  const COLUMNS = ['name', 'plugin', 'state', 'fetched', 'delivered', 'outbox_depth', 'dead_letters',
    'last_delivery', 'next_run', 'last_error'];

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  async function post(root, path, params) {
    const response = await fetch(root + path, {method: 'POST', headers: HEADER, body: new URLSearchParams(params)});
    return response.json();
  }

  function say(box, text, error) {
    box.style.display = '';
    box.className = error ? 'ui-state-error' : 'ui-state-highlight';
    box.textContent = text;
  }

  function inputsPage(page) {
    const root = page.dataset.root;
    const body = page.querySelector('#cybexp-table tbody');
    const message = page.querySelector('#cybexp-message');
    const lettersBox = page.querySelector('#cybexp-deadletters');
    let lettersOf = null;

    async function act(command, name, id) {
      const params = {command: command};
      if (name) params.name = name;
      if (id) params.id = id;
      const answer = await post(root, '/action', params);
      if (!answer.ok) {
        say(message, command + ': ' + answer.error, true);
      } else {
        const why = (answer.not_started || []).map(n => n.reason).join('; ');
        const done = answer.selected || answer.replayed || answer.purged || Object.keys(answer.fetch || {});
        say(message, command + ': ' + [].concat(done).join(', ') + (why ? ' (' + why + ')' : ''), false);
      }
      refresh();
      if (lettersOf) letters(lettersOf);
    }

    function cell(input, column) {
      let value = input[column];
      if (column === 'last_error') value = input.config_error || input.last_error || input.delivery_error;
      const td = el('td', value === null || value === undefined ? '-' : value, {'class': column});
      if (column === 'last_error') td.style.maxWidth = '28em';
      return td;
    }

    function row(input) {
      const tr = el('tr', null, {'data-input': input.name});
      COLUMNS.forEach(c => tr.appendChild(cell(input, c)));
      const actions = el('td', null, {'class': 'actions'});
      ['start', 'stop', 'restart', 'fetch'].forEach(command => {
        const button = el('button', command === 'fetch' ? 'fetch now' : command,
          {'type': 'button', 'data-action': command});
        button.addEventListener('click', () => act(command, input.name));
        actions.appendChild(button);
      });
      const edit = el('a', 'edit', {'href': root + '?edit=' + encodeURIComponent(input.name) + '&plugin='
        + encodeURIComponent(input.plugin), 'data-action': 'edit'});
      const dead = el('button', 'dead letters', {'type': 'button', 'data-action': 'deadletters'});
      dead.addEventListener('click', () => letters(input.name));
      actions.append(' ', edit, ' ', dead);
      tr.appendChild(actions);
      return tr;
    }

    async function refresh() {
      try {
        const response = await fetch(root + '/status.json', {cache: 'no-store'});
        const status = await response.json();
        if (!status.ok) {
          page.querySelector('#cybexp-summary').textContent = 'status: ' + status.error;
          return;
        }
        page.querySelector('#cybexp-summary').textContent = status.inputs.length + ' inputs; pid ' + status.pid
          + ', up ' + status.uptime_s + ' s; plugins: ' + status.plugins.join(' ') + '; updated '
          + new Date().toLocaleTimeString();
        body.replaceChildren(...status.inputs.map(row));
        const select = page.querySelector('#cybexp-new-plugin');
        if (select.options.length !== status.plugins.length) {
          select.replaceChildren(...status.plugins.map(p => el('option', p, {'value': p})));
        }
      } catch (e) {
        page.querySelector('#cybexp-summary').textContent = 'the daemon does not answer: ' + e;
      }
    }

    async function letters(name) {
      lettersOf = name;
      const response = await fetch(root + '/deadletters.json?name=' + encodeURIComponent(name), {cache: 'no-store'});
      const answer = await response.json();
      lettersBox.replaceChildren(el('h3', 'Dead letters of ' + name));
      if (!answer.ok) {
        lettersBox.appendChild(el('p', answer.error, {'class': 'ui-state-error'}));
        return;
      }
      const table = el('table', null, {'class': 'nicetable', 'id': 'cybexp-letters'});
      table.appendChild(el('tr')).append(el('th', 'id'), el('th', 'status'), el('th', 'at'), el('th', 'message'),
        el('th', 'size'), el('th', ''));
      answer.deadletters.forEach(letter => {
        const tr = el('tr', null, {'data-letter': letter.id});
        tr.append(el('td', letter.id), el('td', letter.status), el('td', letter.at), el('td', letter.message),
          el('td', letter.size));
        const td = el('td');
        const show = el('button', 'show', {'type': 'button', 'data-action': 'show'});
        show.addEventListener('click', () => showLetter(letter.id));
        const replay = el('button', 'replay', {'type': 'button', 'data-action': 'replay'});
        replay.addEventListener('click', () => act('replay', null, letter.id));
        const purge = el('button', 'purge', {'type': 'button', 'data-action': 'purge'});
        purge.addEventListener('click', () => { if (confirm('Purge ' + letter.id + '?')) act('purge', null, letter.id); });
        td.append(show, replay, purge);
        tr.appendChild(td);
        table.appendChild(tr);
      });
      lettersBox.appendChild(table);
      if (answer.deadletters.length === 0) lettersBox.appendChild(el('p', 'none'));
      lettersBox.appendChild(el('pre', '', {'id': 'cybexp-letter'}));
    }

    async function showLetter(id) {
      const response = await fetch(root + '/deadletter.json?id=' + encodeURIComponent(id), {cache: 'no-store'});
      const answer = await response.json();
      const pre = lettersBox.querySelector('#cybexp-letter');
      pre.textContent = answer.ok ? JSON.stringify(answer.deadletter, null, 2) : answer.error;
    }

    page.querySelector('#cybexp-new').addEventListener('click', () => {
      window.location = root + '?new=' + encodeURIComponent(page.querySelector('#cybexp-new-plugin').value);
    });
    refresh();
    setInterval(refresh, 2000);
  }

  function formPage(page) {
    const root = page.dataset.root;
    const form = page.querySelector('#cybexp-form');
    const message = page.querySelector('#cybexp-form-message');
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const params = new URLSearchParams(new FormData(form));
      const answer = await post(root, '/save', params);
      if (!answer.ok) {
        say(message, 'refused: ' + answer.error + ' (nothing was saved; the input keeps running)', true);
        return;
      }
      say(message, 'saved to ' + answer.file + '; the daemon applies it within a second or two', false);
      form.querySelectorAll('input[type=password]').forEach(p => { p.value = ''; });
      // the daemon's own checks (e.g. the plugin opening the input) may still refuse it: show what status says
      for (let i = 0; i < 10; i++) {
        await new Promise(resolve => setTimeout(resolve, 500));
        const status = await (await fetch(root + '/status.json', {cache: 'no-store'})).json();
        const input = (status.inputs || []).find(s => s.name === answer.name);
        if (input && input.config_error && input.config_error.indexOf('refused') >= 0) {
          say(message, 'saved to ' + answer.file + ', but the daemon refused it: ' + input.config_error, true);
          return;
        }
      }
    });
  }

  const inputs = document.getElementById('cybexp-inputs');
  if (inputs) inputsPage(inputs);
  const formDiv = document.getElementById('cybexp-form-page');
  if (formDiv) formPage(formDiv);
})();
