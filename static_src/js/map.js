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
          const popup = document.createElement("div");
          popup.append(link);
          if (feature.properties.date) popup.append(document.createElement("br"), feature.properties.date);
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
      } else if (layer.getLayers().length) {
        map.fitBounds(layer.getBounds(), { padding: [20, 20] });
      }
    });
})();
