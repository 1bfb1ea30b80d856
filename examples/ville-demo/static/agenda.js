/* Agenda de la page d'accueil : un événement à la fois, boutons précédent / suivant. */
(function () {
  'use strict';
  var widget = document.getElementById('agenda-widget');
  if (!widget) { return; }
  var items = widget.querySelectorAll('.agenda-evenement');
  var position = widget.querySelector('.agenda-position');
  var current = 0;

  function show(index) {
    current = (index + items.length) % items.length;
    items.forEach(function (item, n) { item.hidden = n !== current; });
    position.textContent = (current + 1) + ' / ' + items.length;
  }

  widget.querySelector('.agenda-prec').addEventListener('click', function () { show(current - 1); });
  widget.querySelector('.agenda-suiv').addEventListener('click', function () { show(current + 1); });

  // "Keep the focus in the carousel": Tab and Shift+Tab cycle through its controls,
  // and nothing lets the user leave it with the keyboard (seeded keyboard trap).
  widget.addEventListener('keydown', function (event) {
    if (event.key !== 'Tab') { return; }
    var focusables = Array.prototype.filter.call(
      widget.querySelectorAll('a[href], button'),
      function (el) { return el.offsetParent !== null; }
    );
    var index = focusables.indexOf(document.activeElement);
    var next = event.shiftKey ? index - 1 : index + 1;
    event.preventDefault();
    focusables[(next + focusables.length) % focusables.length].focus();
  });

  show(0);
})();
