// The search page: Pagefind's interface, started with the query the header's
// search box sent (?q=…). Pagefind fetches only the parts of the index a query
// needs, from this site; nothing is asked of another host.
(function () {
  "use strict";
  var element = document.getElementById("iops-search-results");
  if (!element || typeof PagefindUI === "undefined") {
    return;
  }
  var notice = document.getElementById("iops-search-notice");
  if (notice) {
    notice.hidden = true;
  }
  var ui = new PagefindUI({
    element: "#iops-search-results",
    // Pagefind joins this with its file names: a path from the site's root.
    bundlePath: new URL(element.getAttribute("data-bundle"), window.location.href).pathname,
    showImages: false,
    resetStyles: false,
  });
  var query = new URLSearchParams(window.location.search).get("q");
  var box = document.getElementById("iops-search-q");
  if (query) {
    ui.triggerSearch(query);
    if (box) {
      box.value = query;
    }
  }
})();
