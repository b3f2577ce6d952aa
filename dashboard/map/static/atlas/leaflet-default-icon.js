/* Karabakh Conflict Atlas (not an upstream file): point Leaflet's default marker at the images
 * next to the leaflet.js this page loaded.  Leaflet guesses that folder from leaflet.css; when
 * the page applies that CSS only after the map is drawn (streamlit-folium does), the guess fails
 * and default markers show a broken image.  Load this right after leaflet.js.  In a page whose
 * scripts are inlined (no leaflet.js src) it does nothing. */
(function () {
  var leaflet = document.querySelector('script[src$="/leaflet.js"]');
  if (!leaflet || typeof L === "undefined" || !L.Icon || !L.Icon.Default) {
    return;
  }
  L.Icon.Default.imagePath = leaflet.src.replace(/leaflet\.js$/, "") + "images/";
})();
