// The contact graph of a case's chats, drawn by the vendored Cytoscape.js from the JSON data
// block the page carries (the CSP allows no inline script). Clicking an entity opens its page.
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.dataset.graph);
    if (!source || typeof window.cytoscape !== "function") {
      return;
    }
    var graph = JSON.parse(source.textContent);
    // Set here, not in a style attribute: the CSP refuses inline styles in the page.
    container.style.position = "relative";
    container.style.height = "36rem";
    container.style.border = "1px solid #ccc";
    var elements = graph.nodes.map(function (node) {
      return { group: "nodes", data: node };
    });
    graph.edges.forEach(function (edge, index) {
      elements.push({ group: "edges", data: Object.assign({ id: "x" + index }, edge) });
    });
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      layout: { name: "cose", animate: false, randomize: false },
      wheelSensitivity: 0.3,
      style: [
        {
          selector: "node",
          style: { label: "data(label)", "font-size": 10, "text-wrap": "ellipsis", "text-max-width": 120 }
        },
        {
          selector: 'node[type = "participant"]',
          style: { "background-color": "#0072b2", width: "mapData(messages, 0, 1000, 16, 48)", height: "mapData(messages, 0, 1000, 16, 48)" }
        },
        { selector: 'node[type = "entity"]', style: { shape: "rectangle", "background-color": "#e69f00" } },
        {
          selector: 'edge[type = "conversation"]',
          style: { "line-color": "#7a8a99", width: "mapData(weight, 1, 10, 1, 6)" }
        },
        { selector: 'edge[type = "mentions"]', style: { "line-color": "#e69f00", "line-style": "dashed" } }
      ]
    });
    cy.on("tap", 'node[type = "entity"]', function (event) {
      var url = event.target.data("url");
      if (url) {
        window.location.assign(url);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-graph]").forEach(draw);
  });
})();
