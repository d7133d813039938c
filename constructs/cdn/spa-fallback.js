// SPA fallback (EDGE-1), a CloudFront viewer-request function on the assets behaviour only.
// A path whose last segment has no file extension is a route of the React app: serve
// /index.html and let the client-side router draw it. Requests for files keep S3's answer,
// so a missing script is an error and not an HTML page.
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
