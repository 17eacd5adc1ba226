// corsform serve's try-it script (issue 32), served from the matrix page's
// own origin (the page's CSP allows scripts from there and fetches to the
// API's origin only). Each button sends its row's request with fetch() from
// this page's origin to the API and writes the browser's own verdict next to
// corsform's: a resolved fetch is "allowed" (script may read the response),
// a TypeError is "blocked" (CORS refused it, or the request failed).
"use strict";
(function () {
  var all = document.getElementById("try-all");
  var api = all ? all.getAttribute("data-api") : "";
  function tryCell(td) {
    var out = td.querySelector("output");
    out.className = "";
    out.textContent = "sending...";
    var init = {
      method: td.getAttribute("data-try-method"),
      mode: "cors",
      cache: "no-store",
      credentials: td.getAttribute("data-credentials") === "true" ? "include" : "omit",
    };
    function done(verdict, how) {
      var predicted = td.getAttribute("data-predicted");
      td.setAttribute("data-browser", verdict);
      out.className = verdict === predicted ? "agree" : "disagree";
      out.textContent = "browser: " + verdict + " (" + how + ")" + (verdict === predicted ? ", as corsform says" : ", corsform says " + predicted);
    }
    return fetch(api + td.getAttribute("data-try-path"), init).then(
      function (r) { done("allowed", "fetch resolved, status " + r.status); },
      function (e) { done("blocked", (e && e.name ? e.name : "error") + ": " + (e && e.message ? e.message : e)); }
    );
  }
  var cells = document.querySelectorAll("td[data-try-path]");
  Array.prototype.forEach.call(cells, function (td) {
    var b = td.querySelector("button");
    b.hidden = false;
    b.addEventListener("click", function () { tryCell(td); });
  });
  if (all) {
    all.hidden = false;
    all.addEventListener("click", function () {
      document.documentElement.removeAttribute("data-tried");
      Promise.all(Array.prototype.map.call(cells, tryCell)).then(function () {
        document.documentElement.setAttribute("data-tried", String(cells.length));
      });
    });
  }
})();
