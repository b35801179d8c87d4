// Flow editor: small enhancements; the editor works without this file.
(function () {
  'use strict';
  // Check the JSON as it is typed, so a syntax slip is seen before saving.
  var json = document.getElementById('definition-json');
  var out = document.getElementById('json-error');
  if (json && out && !json.readOnly) {
    var lang = (document.querySelector('meta[name="lang"]') || {}).content || 'ja';
    json.addEventListener('input', function () {
      try {
        JSON.parse(json.value);
        out.textContent = '';
        json.removeAttribute('aria-invalid');
      } catch (e) {
        out.textContent = (lang === 'ja' ? 'JSON の構文エラー: ' : 'JSON syntax error: ') + e.message;
        json.setAttribute('aria-invalid', 'true');
      }
    });
  }
  // Bring the first problem into view and focus its field.
  var first = document.querySelector('.flow-form [aria-invalid="true"], .flow-group.has-error');
  if (first) {
    first.scrollIntoView({ block: 'center' });
    if (typeof first.focus === 'function') first.focus();
  }
  // Example replies for the chosen channel, when the box is empty.
  var channel = document.getElementById('sim-channel');
  var inputs = document.getElementById('sim-inputs');
  if (channel && inputs) {
    var examples = { line: '36.8\n97\n72', sms: '36.8\n97\n72', web: '36.8\n97\n72', voice: '368\n97\n72' };
    inputs.placeholder = examples[channel.value] || '';
    channel.addEventListener('change', function () { inputs.placeholder = examples[channel.value] || ''; });
  }
})();
