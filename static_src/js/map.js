// Memorial sites on a Leaflet map; a base layer only where the site configures one.
(function () {
  const element = document.getElementById("map");
  if (!element || !window.L) return;
  const map = L.map(element, { keyboard: true }).setView([52.5, 20], 4);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  fetch(element.dataset.geojson)
    .then((response) => response.json())
    .then((data) => {
      const layer = L.geoJSON(data, {
        pointToLayer: (feature, latlng) =>
          L.circleMarker(latlng, { radius: 6, color: "#7a1f1f", weight: 2, fillOpacity: 0.7, keyboard: true }),
        onEachFeature: (feature, marker) => {
          const link = document.createElement("a");
          link.href = feature.properties.url;
          link.textContent = feature.properties.title;
          // A site not yet in the reader's language: its title as written, and a note saying so.
          if (feature.properties.language) {
            link.lang = feature.properties.language;
            link.hreflang = feature.properties.language;
          }
          const popup = document.createElement("div");
          popup.append(link);
          if (feature.properties.date) popup.append(document.createElement("br"), feature.properties.date);
          if (feature.properties.note) {
            const note = document.createElement("p");
            note.className = "map-popup__note";
            note.textContent = feature.properties.note;
            popup.append(note);
          }
          marker.bindPopup(popup);
          // An element, not a string: Leaflet puts a string in as HTML, and a title is text.
          const tooltip = document.createElement("span");
          tooltip.textContent = feature.properties.title;
          marker.bindTooltip(tooltip);
        },
      }).addTo(map);
      const hash = window.location.hash.slice(1).split(",").map(Number);
      if (hash.length === 2 && hash.every(Number.isFinite)) {
        map.setView(hash, 17);
        // The entry the link came from: marked and its popup open (coordinates to 5 decimals, as linked).
        const same = (a, b) => Math.abs(a - b) < 0.000006;
        layer.eachLayer((marker) => {
          const point = marker.getLatLng();
          if (same(point.lat, hash[0]) && same(point.lng, hash[1])) {
            marker.setStyle({ radius: 11, color: "#1f3a7a", weight: 4, fillOpacity: 0.9 });
            marker.bringToFront();
            marker.openPopup();
          }
        });
      } else if (layer.getLayers().length) {
        map.fitBounds(layer.getBounds(), { padding: [20, 20] });
      }
    });
})();
