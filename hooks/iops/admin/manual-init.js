// Read before decap-cms.js: start.js starts the editor (an inline script would
// need 'unsafe-inline' in the page's Content-Security-Policy).
window.CMS_MANUAL_INIT = true;
