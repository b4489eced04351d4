/* Vigil: the case map. Country outlines from the vendored TopoJSON on a blank background (no
   tile server: nothing leaves the instance) and one dot per located item. Popups are built from
   DOM nodes with textContent: file names come from evidence and are never parsed as HTML. */
(function () {
  "use strict";

  const OUTLINE = { color: "#6b7280", weight: 1, fillColor: "#e5e7eb", fillOpacity: 1 };
  const DOT = { radius: 6, color: "#1d4ed8", weight: 2, fillColor: "#3b82f6", fillOpacity: 0.8 };

  document.addEventListener("DOMContentLoaded", function () {
    const element = document.getElementById("case-map");
    if (!element || typeof L === "undefined" || typeof topojson === "undefined") { return; }
    // Set here, not in a style attribute: the CSP refuses inline styles in the markup.
    element.style.height = "70vh";
    element.style.background = "#f8fafc";
    const status = document.querySelector("[data-map-status]");
    const say = function (text) { if (status) { status.textContent = text; } };
    say(element.dataset.labelLoading);

    // Canvas draws tens of thousands of dots where SVG would crawl.
    const map = L.map(element, { preferCanvas: true, worldCopyJump: true, minZoom: 1 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth");
    map.setView([20, 0], 2);

    Promise.all([fetchJson(element.dataset.worldUrl), fetchJson(element.dataset.pointsUrl)])
      .then(function (results) {
        const world = results[0];
        const points = results[1];
        L.geoJSON(topojson.feature(world, world.objects.countries), {
          style: OUTLINE,
          interactive: false,
        }).addTo(map);
        const dots = L.geoJSON(points, {
          pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, DOT); },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(function () { return popup(feature.properties, element.dataset); });
          },
        }).addTo(map);
        const summary = points.properties || {};
        if (!points.features.length) {
          say(element.dataset.labelNone);
          return;
        }
        say(element.dataset.labelCount
          .replace("%(shown)s", String(summary.shown))
          .replace("%(located)s", String(summary.located)));
        map.fitBounds(dots.getBounds(), { padding: [24, 24], maxZoom: 10 });
      })
      .catch(function () { say(element.dataset.labelFailed); });
  });

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function popup(properties, labels) {
    const box = document.createElement("div");
    const name = document.createElement("strong");
    name.textContent = properties.name || properties.path || "";
    name.dir = "ltr";
    box.appendChild(name);
    const place = properties.place;
    if (place && place.name) {
      const where = [place.name, place.admin1, place.country_code].filter(Boolean).join(", ");
      box.appendChild(line(labels.labelPlace + ": " + where));
    }
    if (properties.timestamp) {
      box.appendChild(line(labels.labelTaken + ": " + properties.timestamp));
    }
    const link = document.createElement("a");
    link.href = properties.url;
    link.textContent = labels.labelOpen;
    box.appendChild(line("")).appendChild(link);
    return box;
  }

  function line(text) {
    const paragraph = document.createElement("p");
    paragraph.textContent = text;
    return paragraph;
  }
})();
