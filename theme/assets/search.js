// The search page: the results for what the search box sent (?q=…), from
// Pagefind's index of the page's language, through Pagefind's own API: its
// pagefind.js comes from the index's first part, and the other parts are
// merged into it (iops.search.index_parts). Everything is fetched from this
// site. Titles and excerpts are put in as text; of an excerpt, only the
// <mark> around the words found is kept. Its words come from the page
// (data-words, in the page's language); each result says what it is, its
// date and its language.
(function () {
  "use strict";
  var root = document.getElementById("iops-search-results");
  if (!root || typeof URLSearchParams === "undefined") {
    return;
  }
  var notice = document.getElementById("iops-search-notice");
  var status = root.querySelector(".iops-search-results__status");
  var list = root.querySelector(".iops-search-results__list");
  var words = JSON.parse(root.getAttribute("data-words") || "{}");
  var lang = document.documentElement.lang;
  function say(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (all, name) {
      return values[name];
    });
  }
  // Made here, not in the page: without JavaScript it would do nothing.
  // Shown only while there are more results than shown ([hidden] wins in iops.css).
  var more = document.createElement("button");
  more.type = "button";
  more.className = "iops-search-results__more iops-button";
  more.textContent = words.more;
  more.hidden = true;
  root.appendChild(more);
  var PAGE = 10;

  // Pagefind joins these with its file names: paths from the site's root.
  function pathOf(url) {
    return new URL(url, window.location.href).pathname;
  }
  var bundle = pathOf(root.getAttribute("data-bundle"));
  var parts = (root.getAttribute("data-merge") || "").split(" ").filter(Boolean).map(pathOf);
  // The site's root, which the results' addresses start from: the first part
  // is at <root>pagefind/<language>/0/.
  var siteRoot = bundle.replace(/pagefind\/[^/]+\/[^/]+\/$/, "");

  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  // ?all=1: every language's index at once, merged into this one's.
  var foreign = [];
  if (params.get("all")) {
    (root.getAttribute("data-foreign") || "").split(" ").filter(Boolean).forEach(function (entry) {
      var at = entry.indexOf(":");
      foreign.push({ language: entry.slice(0, at), path: pathOf(entry.slice(at + 1)) });
    });
  }
  ["iops-search-q", "iops-search-page-q"].forEach(function (id) {
    var box = document.getElementById(id);
    if (box) {
      box.value = query;
    }
  });
  if (notice) {
    notice.hidden = true;
  }
  // The other languages' search pages, and every language at once, for the same words.
  var others = document.querySelectorAll("#iops-search-others a[hreflang], #iops-search-all");
  Array.prototype.forEach.call(others, function (link) {
    if (query) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.searchParams.set("q", query);
      link.href = url.href;
    }
  });
  if (!query) {
    status.textContent = words.prompt;
    return;
  }
  status.textContent = words.searching;

  import(bundle + "pagefind.js")
    .then(function (pagefind) {
      return pagefind
        // In this page, not a web worker: the worker's script would be a
        // tenth of what a search fetches, for a few milliseconds of work.
        .options({ baseUrl: siteRoot, noWorker: true })
        .then(function () {
          return Promise.all(
            parts
              .map(function (part) {
                return pagefind.mergeIndex(part);
              })
              .concat(
                foreign.map(function (part) {
                  // Another language's index, searched as it is.
                  return pagefind.mergeIndex(part.path, { language: part.language });
                })
              )
          );
        })
        .then(function () {
          return pagefind.search(query);
        });
    })
    .then(function (search) {
      var results = search.results;
      var shown = 0;
      if (results.length === 0) {
        status.textContent = say(words.none, { query: query });
        return;
      }
      status.textContent = say(results.length === 1 ? words.one : words.many, {
        query: query,
        count: results.length.toLocaleString(lang)
      });
      function showMore() {
        var next = results.slice(shown, shown + PAGE);
        shown += next.length;
        more.hidden = shown >= results.length;
        return Promise.all(
          next.map(function (result) {
            return result.data();
          })
        ).then(function (found) {
          found.forEach(function (data) {
            list.appendChild(entry(data));
          });
        });
      }
      more.addEventListener("click", showMore);
      return showMore();
    })
    .catch(function () {
      status.textContent = words.failed;
      if (notice) {
        notice.hidden = false;
      }
    });

  function entry(data) {
    var item = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    heading.className = "iops-search-results__title";
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.appendChild(link);
    var meta = data.meta || {};
    var about = document.createElement("p");
    about.className = "iops-search-results__meta";
    var facts = [(words.kinds || {})[meta.kind] || ""];
    if (meta.day) {
      var time = document.createElement("time");
      time.dateTime = meta.date || "";
      time.textContent = meta.day;
      facts.push(time);
    }
    facts.push(languageName(lang)); // each language has its own index and page
    facts.filter(Boolean).forEach(function (fact, index) {
      if (index > 0) {
        about.appendChild(document.createTextNode(" · "));
      }
      about.appendChild(typeof fact === "string" ? document.createTextNode(fact) : fact);
    });
    var excerpt = document.createElement("p");
    copyMarkedText(excerpt, data.excerpt || "");
    item.appendChild(heading);
    item.appendChild(about);
    item.appendChild(excerpt);
    return item;
  }

  // The result's language, named in the page's language where the browser can.
  function languageName(code) {
    try {
      return new Intl.DisplayNames([lang], { type: "language" }).of(code) || code;
    } catch (e) {
      return code;
    }
  }

  // Pagefind's excerpt is the item's text with <mark> around the words found.
  // It is parsed inertly (a DOMParser document runs nothing), and only its
  // text and the marks are copied over.
  function copyMarkedText(into, html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    parsed.body.childNodes.forEach(function copy(node) {
      if (node.nodeType === Node.TEXT_NODE) {
        into.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        into.appendChild(mark);
      } else {
        node.childNodes.forEach(copy);
      }
    });
  }
})();
