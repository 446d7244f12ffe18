// The public help form: find the address among the city's known addresses, then pick one.
(function () {
  "use strict";
  var input = document.getElementById("place-search");
  var list = document.getElementById("place-results");
  var key = document.getElementById("id_place");
  var label = document.getElementById("place-label");
  if (!input || !list || !key) return;
  var timer = null;
  function show(places) {
    list.textContent = "";
    places.forEach(function (p) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = p.label + " · " + p.dong;
      button.addEventListener("click", function () {
        key.value = p.key;
        label.value = p.label;
        input.value = p.label;
        list.textContent = "";
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }
  input.addEventListener("input", function () {
    key.value = "";
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { list.textContent = ""; return; }
    timer = setTimeout(function () {
      fetch(input.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { show(data.places || []); })
        .catch(function () { list.textContent = ""; });
    }, 250);
  });
})();
