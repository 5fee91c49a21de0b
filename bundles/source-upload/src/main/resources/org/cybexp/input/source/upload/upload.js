// The upload page: plain script, no build step. The key stays in this page's memory only.
(function () {
  'use strict';
  var path = document.body.dataset.path;
  var maxBytes = Number(document.body.dataset.maxBytes);
  var $ = function (id) { return document.getElementById(id); };
  var following = null;

  function size(bytes) {
    var units = ['bytes', 'KiB', 'MiB', 'GiB'];
    var i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i === 0 ? bytes : bytes.toFixed(1)) + ' ' + units[i];
  }

  function say(text, error) {
    var m = $('message');
    m.textContent = text;
    m.className = error ? 'error' : 'ok';
  }

  function key() { return $('key').value.trim(); }

  function explain(status, body) {
    var message = body && body.message ? body.message : '';
    if (status === 401) { return 'The upload key was refused (401): ' + message; }
    if (status === 403) { return 'Not allowed (403): ' + message; }
    if (status === 413) { return 'The file is too large (413): ' + message; }
    if (status === 429 || status === 503) { return 'Busy, try again later (' + status + '): ' + message; }
    return 'Refused (' + status + '): ' + message;
  }

  function get(url, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url);
    xhr.setRequestHeader('Authorization', 'Bearer ' + key());
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      done(xhr.status, body);
    };
    xhr.send();
  }

  function showReceipt(r) {
    $('receipt').textContent = r.receipt;
    $('state').textContent = r.state.replace('_', ' ');
    $('api').textContent = r.api ? '(API: ' + r.api.status + ' ' + r.api.message + ')' : '';
  }

  function follow(statusUrl) {
    if (following) { clearInterval(following); }
    var tick = function () {
      get(statusUrl, function (status, body) {
        if (status === 200 && body) {
          showReceipt(body);
          if (body.state !== 'stored') { clearInterval(following); following = null; recent(); }
        }
      });
    };
    following = setInterval(tick, 1000);
    tick();
  }

  function recent() {
    if (!key()) { return; }
    get(path + '/receipts', function (status, body) {
      var rows = $('recent');
      rows.textContent = '';
      if (status !== 200 || !body) { return; }
      body.receipts.forEach(function (r) {
        var tr = document.createElement('tr');
        [r.received, r.name, r.orgid, r.typetag, String(r.bytes), r.state.replace('_', ' ')].forEach(function (v) {
          var td = document.createElement('td');
          td.textContent = v;
          tr.appendChild(td);
        });
        rows.appendChild(tr);
      });
    });
  }

  function orgs() {
    if (!key()) { return; }
    get(path + '/key', function (status, body) {
      if (status !== 200 || !body) {
        say(explain(status, body), true);
        return;
      }
      var list = $('orgids');
      list.textContent = '';
      body.orgids.forEach(function (o) {
        var option = document.createElement('option');
        option.value = o;
        list.appendChild(option);
      });
      if (!$('orgid').value && body.orgids.length === 1 && body.orgids[0] !== '*') { $('orgid').value = body.orgids[0]; }
      recent();
    });
  }

  $('max').textContent = size(maxBytes);
  $('key').addEventListener('change', orgs);
  $('upload').addEventListener('submit', function (event) {
    event.preventDefault();
    var file = $('file').files[0];
    if (!key()) { say('Enter your upload key first.', true); $('key').focus(); return; }
    if (!file) { say('Choose a file to upload.', true); $('file').focus(); return; }
    if (!$('orgid').value.trim() || !$('typetag').value.trim()) { say('Give the organisation and the typetag.', true); return; }
    if (file.size > maxBytes) {
      say('The file is too large: ' + size(file.size) + ', this endpoint takes at most ' + size(maxBytes) + '.', true);
      return;
    }
    var form = new FormData();
    form.append('name', file.name);
    form.append('orgid', $('orgid').value.trim());
    form.append('typetag', $('typetag').value.trim());
    form.append('timezone', $('timezone').value.trim() || 'UTC');
    form.append('file', file, file.name);
    var xhr = new XMLHttpRequest();
    $('send').disabled = true; // one upload at a time: a double click must not send the file twice
    xhr.onloadend = function () { $('send').disabled = false; };
    xhr.open('POST', path + '/raw');
    xhr.setRequestHeader('Authorization', 'Bearer ' + key());
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { $('progress').value = Math.round(100 * e.loaded / e.total); }
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 202 && body) {
        $('progress').value = 100;
        say('Received: ' + file.name + ' is in the outbox (receipt ' + body.receipt + ').', false);
        showReceipt({ receipt: body.receipt, state: body.state });
        follow(body.status);
      } else {
        $('progress').value = 0;
        say(explain(xhr.status, body), true);
      }
    };
    xhr.onerror = function () {
      $('progress').value = 0;
      say('The upload failed: the server closed the connection (a wrong key or a file that is too large is '
          + 'refused before it is read).', true);
    };
    say('Uploading ' + file.name + ' (' + size(file.size) + ')...', false);
    $('progress').value = 0;
    xhr.send(form);
  });
}());
