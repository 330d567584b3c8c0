// Starts Decap CMS with admin/config.yml, which build.py writes from the content
// schema. On a loopback address (a developer's machine, the browser test) the
// editor first looks for a local proxy (decap-server) at /api/v1 of this very
// origin, so that the page's Content-Security-Policy can stay 'self'; without
// one it uses GitHub as on the site.
(function () {
  "use strict";
  var loopback = ["localhost", "127.0.0.1", "[::1]"].indexOf(location.hostname) !== -1;
  var config = loopback ? { local_backend: { url: location.origin + "/api/v1" } } : {};
  // Until the organization sets up its OAuth exchange (editor_auth), "Login with
  // GitHub" opens our notice, admin/no-github-login.html, on this origin.
  if (document.currentScript && document.currentScript.hasAttribute("data-own-login")) {
    config.backend = { base_url: location.origin };
  }

  // Sign-in with a personal access token: Decap keeps the signed-in user under
  // this key and checks the token with GitHub when it starts.
  var form = document.getElementById("token-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = form.elements.namedItem("token").value.trim();
      if (!token) return;
      localStorage.setItem("decap-cms-user", JSON.stringify({ backendName: "github", token: token }));
      location.reload();
    });
  }
  window.CMS.init({ config: config });
})();
