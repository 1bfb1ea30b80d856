/* Étape 3 de l'inscription : enregistrement d'un brouillon (simulé). */
(function () {
  'use strict';
  var button = document.getElementById('enregistrer-brouillon');
  var message = document.getElementById('message-brouillon');
  if (!button || !message) { return; }
  button.addEventListener('click', function () {
    var now = new Date();
    var minutes = String(now.getMinutes()).padStart(2, '0');
    message.textContent = 'Brouillon enregistré à ' + now.getHours() + ' h ' + minutes + '.';
    message.hidden = false;
  });
})();
