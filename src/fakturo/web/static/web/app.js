// Small behaviours on top of server-rendered pages; each works by keyboard, and the pages
// still work without it. Listeners sit on the document so htmx-swapped content gets them too.
(function () {
  "use strict";

  function setNavOpen(toggle, open) {
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("is-open", open);
  }

  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  function copyFrom(button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.querySelector("[data-copy-status]");
    var done = function () {
      button.textContent = "Copied";
      if (status) status.textContent = "Copied to the clipboard.";
    };
    source.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done);
    } else if (document.execCommand("copy")) {
      done();
    }
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      setNavOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    closeMenus(event.target.closest("details[data-menu]"));
    var copy = event.target.closest("[data-copy]");
    if (copy) copyFrom(copy);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector("details[data-menu][open]");
    if (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
      return;
    }
    var toggle = document.querySelector("[data-nav-toggle][aria-expanded='true']");
    if (toggle) {
      setNavOpen(toggle, false);
      toggle.focus();
    }
  });

  function drawCharts() {
    var canvas = document.querySelector("canvas[data-chart='activity']");
    var data = document.getElementById("activity-data");
    if (!canvas || !data || !window.Chart) return;
    var days = JSON.parse(data.textContent);
    var style = getComputedStyle(document.documentElement);
    window.Chart.defaults.font.family = style.getPropertyValue("--font-sans").trim();
    window.Chart.defaults.color = style.getPropertyValue("--color-muted").trim();
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: days.map(function (day) {
          return new Date(day.day + "T12:00:00").toLocaleDateString(document.documentElement.lang, {
            day: "numeric",
            month: "short",
          });
        }),
        datasets: [{
          label: "Events",
          data: days.map(function (day) { return day.count; }),
          backgroundColor: style.getPropertyValue("--color-primary").trim(),
          borderRadius: 4,
          maxBarThickness: 28,
        }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  window.addEventListener("load", drawCharts);
})();
