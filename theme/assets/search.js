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
  // Pagefind joins these with its file names: paths from the site's root.
  function pathOf(url) {
    return new URL(url, window.location.href).pathname;
  }
  // The index comes in parts (iops.search.index_parts): the first is the
  // bundle, the others are merged into its results.
  var parts = (element.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  var ui = new PagefindUI({
    element: "#iops-search-results",
    bundlePath: pathOf(element.getAttribute("data-bundle")),
    mergeIndex: parts.map(function (part) {
      return { bundlePath: pathOf(part) };
    }),
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
