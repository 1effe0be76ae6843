// Draws every Plotly figure on the page. Figures arrive as JSON in
// <script type="application/json" id="ID-data"> blocks (Django's json_script), never
// as inline code, so the Content-Security-Policy can forbid inline scripts. The figure
// is drawn into the element whose id is ID.
(function () {
  function draw() {
    document.querySelectorAll('script[type="application/json"][id$="-data"]').forEach(function (node) {
      var target = document.getElementById(node.id.slice(0, -5));
      if (!target || !window.Plotly) { return; }
      var figure = JSON.parse(node.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, config);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
