/* Dashboard charts: data from json_script blocks, no inline script (the CSP forbids it).
   Every chart item carries a url; clicking it opens the list behind the figure. */
(function () {
  "use strict";
  var RED = ["#b71c1c", "#d84315", "#ef6c00", "#f9a825", "#2e7d32", "#1565c0", "#6a1b9a", "#00838f", "#5d4037", "#546e7a"];
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

  function option(data) {
    if (data.kind === "lines") {
      return { color: RED, textStyle: { fontFamily: FONT }, animation: false, tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 0 }, grid: { left: 48, right: 24, top: 36, bottom: 28 },
        xAxis: { type: "category", data: data.labels }, yAxis: { type: "value" },
        series: data.series.map(function (s) { return { type: "line", name: s.name, data: s.data, smooth: true, label: { show: true } }; }) };
    }
    var items = data.items || [];
    var base = { color: RED, textStyle: { fontFamily: FONT }, tooltip: { renderMode: "richText" }, animation: false };
    if (!items.length) {
      base.title = { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#999", fontSize: 14, fontWeight: 400 } };
      return base;
    }
    if (data.kind === "pie") {
      base.tooltip.trigger = "item";
      base.tooltip.formatter = function (p) {
        var rate = p.data.rate === null || p.data.rate === undefined ? "" : "，最近检查合格率 " + p.data.rate + "%";
        return p.name + "：" + p.value + " 个" + rate;
      };
      base.legend = { type: "scroll", orient: "vertical", right: 0, top: "middle" };
      base.series = [{ type: "pie", radius: ["38%", "68%"], center: ["38%", "50%"], label: { formatter: "{b}\n{c}" },
        data: items.map(function (i) { return { name: i.label, value: i.value, url: i.url, rate: i.rate }; }) }];
      return base;
    }
    var horizontal = data.kind === "bar" && items.length > 3;
    var names = items.map(function (i) { return i.label; });
    var values = items.map(function (i) { return { value: i.value, url: i.url }; });
    base.tooltip.trigger = "axis";
    base.grid = { left: horizontal ? 150 : 48, right: 40, top: 28, bottom: 32 };
    var category = { type: "category", data: names, axisLabel: { interval: 0, width: 140, overflow: "truncate" } };
    var value = { type: "value", name: data.title };
    if (data.kind === "line") {
      value.min = 0; value.max = 100;
      base.xAxis = category; base.yAxis = value;
      base.series = [{ type: "line", data: values, smooth: true, symbolSize: 8, areaStyle: { opacity: 0.12 }, label: { show: true, formatter: "{c}%" } }];
    } else {
      base.xAxis = horizontal ? value : category; base.yAxis = horizontal ? category : value;
      base.series = [{ type: "bar", data: values, barMaxWidth: 26, label: { show: true, position: horizontal ? "right" : "top" },
        itemStyle: { color: function (p) { return RED[p.dataIndex % 4]; } } }];
    }
    return base;
  }

  function init() {
    if (!window.echarts) { return; }
    document.querySelectorAll(".chart[data-source]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-source"));
      if (!source) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(JSON.parse(source.textContent)));
      chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-ready", "1");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
