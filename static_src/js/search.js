// The search page: suggestions on the query field, and the results on a map.
// Without this script the page works as a plain form; the words shown here come from the
// template (json_script), translated there.
(function () {
  "use strict";

  function readJSON(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // ---- Suggestions: the WAI-ARIA 1.2 combobox pattern, list autocomplete ----

  function setUpCombobox(input, settings) {
    const listbox = document.getElementById(input.dataset.listbox);
    const status = document.getElementById(input.dataset.status);
    if (!listbox || !status || !settings) return;
    const languageSelect = input.form && input.form.elements.namedItem("language");
    let suggestions = [];
    let active = -1;
    let timer = null;
    let controller = null;
    let lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");

    function announce(message) {
      status.textContent = message;
    }

    function optionId(index) {
      return listbox.id + "-" + index;
    }

    function isOpen() {
      return input.getAttribute("aria-expanded") === "true";
    }

    function open() {
      if (!suggestions.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      const previous = listbox.querySelector('[aria-selected="true"]');
      if (previous) previous.setAttribute("aria-selected", "false");
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      const option = document.getElementById(optionId(index));
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      const suggestion = suggestions[index];
      if (suggestion) window.location.assign(suggestion.url);
    }

    function render(items) {
      suggestions = items.slice(0, settings.announcements.length - 1);
      listbox.replaceChildren();
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach((suggestion, index) => {
        const option = document.createElement("li");
        option.id = optionId(index);
        option.className = "combobox__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const title = document.createElement("span");
        title.className = "combobox__title";
        title.lang = suggestion.language;
        title.textContent = suggestion.text;
        const meta = document.createElement("span");
        meta.className = "combobox__meta";
        meta.textContent = [settings.types[suggestion.type], settings.languages[suggestion.language]]
          .filter(Boolean)
          .join(" · ");
        option.append(title, " ", meta);
        // mousedown, not click: the field keeps its focus, so the list is still there for the click.
        option.addEventListener("mousedown", (event) => event.preventDefault());
        option.addEventListener("click", () => choose(index));
        listbox.append(option);
      });
      if (suggestions.length) {
        open();
      } else {
        close();
      }
      announce(settings.announcements[suggestions.length]);
    }

    function fetchSuggestions() {
      const query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (controller) controller.abort();
      if (query.length < 2) {
        suggestions = [];
        listbox.replaceChildren();
        close();
        announce("");
        return;
      }
      controller = new AbortController();
      const params = new URLSearchParams({ q: query });
      if (languageSelect && languageSelect.value) params.set("language", languageSelect.value);
      fetch(settings.url + "?" + params.toString(), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : { suggestions: [] }))
        .then((data) => render(data.suggestions || []))
        .catch((error) => {
          if (error.name !== "AbortError") render([]);
        });
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 200);
    });

    input.addEventListener("keydown", (event) => {
      const count = suggestions.length;
      switch (event.key) {
        case "ArrowDown":
          if (!count) return;
          event.preventDefault();
          if (!isOpen()) {
            open();
            if (!event.altKey) setActive(0);
          } else {
            setActive((active + 1) % count);
          }
          break;
        case "ArrowUp":
          if (!count) return;
          event.preventDefault();
          if (event.altKey) {
            close();
          } else if (!isOpen()) {
            open();
            setActive(count - 1);
          } else {
            setActive(active <= 0 ? count - 1 : active - 1);
          }
          break;
        case "Enter":
          // An option chosen: go to its entry. Otherwise the form searches as usual.
          if (isOpen() && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (isOpen()) {
            // Closes the list only; a second Escape is the field's own (clears it).
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", () => close());
    if (languageSelect) {
      languageSelect.addEventListener("change", () => {
        lastQuery = "";
      });
    }
  }

  // On a narrow screen the filters start folded, unless they hold an error to read.
  if (window.matchMedia("(max-width: 40rem)").matches) {
    document.querySelectorAll("details[data-collapse-narrow]:not([data-keep-open])").forEach((details) => {
      details.open = false;
    });
  }

  document.querySelectorAll("[data-combobox] input").forEach((input) => {
    setUpCombobox(input, readJSON("search-suggest-settings"));
  });

  // ---- The results on a map, and "Search in this map area" ----

  function round(value) {
    return Math.round(value * 100000) / 100000;
  }

  // The visible area as "west,south,east,north", longitudes within -180..180 (west beyond
  // east where the area crosses the 180th meridian), the whole world once it is all in view.
  function boundsParameter(bounds) {
    const south = Math.max(-90, bounds.getSouth());
    const north = Math.min(90, bounds.getNorth());
    let west = bounds.getWest();
    let east = bounds.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      west = L.Util.wrapNum(west, [-180, 180], true);
      east = L.Util.wrapNum(east, [-180, 180], true);
    }
    return [west, south, east, north].map(round).join(",");
  }

  function setUpMap(container) {
    const element = container.querySelector("#search-map");
    const data = readJSON("search-map-data");
    const form = document.getElementById("search-form");
    if (!element || !data || !window.L) return;
    container.hidden = false;
    const words = element.dataset;
    const map = L.map(element, { keyboard: true, scrollWheelZoom: false, worldCopyJump: true, zoomControl: false });
    map.setView([52.5, 20], 4);
    L.control.zoom({ zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut }).addTo(map);
    // The wheel zooms only once the reader is in the map: scrolling the page passes over it.
    map.on("focus", () => map.scrollWheelZoom.enable());
    map.on("blur", () => map.scrollWheelZoom.disable());
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
    }

    // Results at the same place (a family's stones at one address) share one marker.
    const places = new Map();
    data.points.forEach((point) => {
      const key = point.lat.toFixed(5) + "," + point.lon.toFixed(5);
      if (!places.has(key)) places.set(key, []);
      places.get(key).push(point);
    });

    const markers = Array.from(places.values()).map((group) => {
      const numbers = group.map((point) => point.number);
      const text = numbers.length > 3 ? numbers[0] + "…" + numbers[numbers.length - 1] : numbers.join(",");
      const width = Math.max(28, 12 + 8 * text.length);
      const icon = L.divIcon({
        className: "search-map__marker",
        html: text,
        iconSize: [width, 28],
        iconAnchor: [width / 2, 14],
        popupAnchor: [0, -14],
      });
      const marker = L.marker([group[0].lat, group[0].lon], { icon, keyboard: true, riseOnHover: true });
      const content = document.createElement(group.length > 1 ? "ol" : "div");
      content.className = "search-map__popup";
      group.forEach((point) => {
        const link = document.createElement("a");
        link.href = point.url;
        link.lang = point.language;
        link.textContent = point.title;
        if (group.length > 1) {
          const item = document.createElement("li");
          item.value = point.number;
          item.append(link);
          content.append(item);
        } else {
          content.append(link);
        }
      });
      marker.bindPopup(content);
      marker.on("add", () => {
        const markerElement = marker.getElement();
        markerElement.setAttribute(
          "aria-label",
          group.map((point) => point.number + ". " + point.title).join("; ")
        );
        if (group.every((point) => point.language === group[0].language)) {
          markerElement.setAttribute("lang", group[0].language);
        }
        // A button opens with Space as well as Enter (Leaflet handles Enter).
        markerElement.addEventListener("keydown", (event) => {
          if (event.key === " ") {
            event.preventDefault();
            marker.openPopup();
          }
        });
      });
      // From the keyboard, the popup's link is where the reader wants to be next; Escape closes
      // the popup and focus goes back to its marker.
      marker.on("popupopen", (event) => {
        const popupElement = event.popup.getElement();
        const closeButton = popupElement.querySelector(".leaflet-popup-close-button");
        if (closeButton) closeButton.setAttribute("aria-label", words.closePopup);
        if (!popupElement.dataset.escape) {
          popupElement.dataset.escape = "true";
          popupElement.addEventListener("keydown", (keyEvent) => {
            if (keyEvent.key === "Escape") {
              keyEvent.preventDefault();
              marker.closePopup();
            }
          });
        }
        if (document.activeElement === marker.getElement()) {
          const popupLink = popupElement.querySelector("a");
          if (popupLink) popupLink.focus();
        }
      });
      marker.on("popupclose", (event) => {
        const popupElement = event.popup.getElement();
        if (popupElement && popupElement.contains(document.activeElement)) marker.getElement().focus();
      });
      return marker.addTo(map);
    });

    let area = null;
    if (data.bbox) {
      let [west, south, east, north] = data.bbox;
      if (east < west) east += 360;
      area = L.rectangle(
        [
          [south, west],
          [north, east],
        ],
        { color: "#1a5fb4", weight: 2, fill: true, fillOpacity: 0.05, interactive: false }
      ).addTo(map);
    }

    if (area) {
      map.fitBounds(area.getBounds(), { padding: [12, 12] });
    } else if (markers.length) {
      map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [30, 30], maxZoom: 13 });
    }

    const button = container.querySelector("[data-search-area]");
    if (button && form) {
      button.addEventListener("click", () => {
        form.elements.namedItem("bbox").value = boundsParameter(map.getBounds());
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      });
    }
  }

  document.querySelectorAll("[data-search-map]").forEach(setUpMap);
})();
