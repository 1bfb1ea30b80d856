/* Questions fréquentes de la page d'aide : ouverture et fermeture des réponses. */
(function () {
  'use strict';
  document.querySelectorAll('.faq-question').forEach(function (button) {
    button.addEventListener('click', function () {
      var open = button.getAttribute('aria-expanded') === 'vrai';
      button.setAttribute('aria-expanded', open ? 'faux' : 'vrai');
      document.getElementById(button.getAttribute('aria-controls')).hidden = open;
    });
  });
})();
