// The OrleansCache dashboard: polls /api/cluster (Orleans' membership and every silo's cache figures), keeps the last
// minutes of samples in memory, and draws them. Every string from the server is inserted as text (textContent), never
// as markup.
(function () {
  "use strict";

  const POLL_MS = 1000;
  const WINDOW_MS = 5 * 60 * 1000;
  const COLORS = ["#2f6fed", "#c4320a", "#1f8a4c", "#8e44ad", "#d68910", "#17a2b8", "#6c757d", "#e83e8c"];

  // One entry per successful poll: { t, silos: Map(address -> silo figures) }.
  const history = [];
  const names = new Map();
  let polls = 0;

  const $ = (id) => document.getElementById(id);

  function setValue(id, value, text) {
    const element = $(id);
    element.dataset.value = value === null || value === undefined ? "" : String(value);
    element.textContent = text !== undefined ? text : formatNumber(value);
  }

  function formatNumber(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) {
      return "–";
    }

    return value.toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "–" : String(text);
    if (className) {
      td.className = className;
    }

    row.appendChild(td);
    return td;
  }

  function sum(values) {
    return values.reduce((total, v) => total + (v || 0), 0);
  }

  // How much a counter grew between two samples of one silo; a restarted silo starts again from zero.
  function growth(now, before) {
    return now >= before ? now - before : now;
  }

  // The cluster's delivery latency since start: the worst silo's percentiles (silos do not share buckets).
  function clusterDelivery(sample) {
    let p50 = null;
    let p99 = null;
    sample.silos.forEach((silo) => {
      const latency = silo.deliveryLatency;
      if (latency && latency.count > 0) {
        p50 = p50 === null ? latency.p50 : Math.max(p50, latency.p50);
        p99 = p99 === null ? latency.p99 : Math.max(p99, latency.p99);
      }
    });
    return { p50: p50, p99: p99 };
  }

  function clusterGrowth(now, before, field) {
    let total = 0;
    now.silos.forEach((silo, address) => {
      const earlier = before ? before.silos.get(address) : null;
      total += earlier ? growth(silo[field], earlier[field]) : 0;
    });
    return total;
  }

  function record(data) {
    const now = Date.now();
    for (const member of data.members) {
      names.set(member.address, member.name || member.address);
    }

    const silos = new Map();
    for (const silo of data.silos) {
      if (!silo.error) {
        silos.set(silo.address, silo);
      }
    }

    history.push({ t: now, silos: silos });
    while (history.length > 0 && history[0].t < now - WINDOW_MS) {
      history.shift();
    }
  }

  function sampleBefore(t) {
    let found = null;
    for (const sample of history) {
      if (sample.t <= t) {
        found = sample;
      }
    }

    return found;
  }

  function renderTiles(data) {
    const live = data.silos.filter((s) => !s.error);
    const hits = sum(live.map((s) => s.readsHit));
    const reads = hits + sum(live.map((s) => s.readsMiss));
    setValue("total-silos", data.members.filter((m) => m.status === "Active").length);
    setValue("total-entries", sum(live.map((s) => s.entries)));
    setValue("total-reads", reads);
    setValue("hit-ratio", reads > 0 ? hits / reads : null, reads > 0 ? formatNumber((100 * hits) / reads, 1) + " %" : "–");
    setValue("total-invalidations", sum(live.map((s) => s.invalidationsPublished)));
    setValue("total-failed", sum(live.map((s) => s.deliveriesFailed)));

    const latest = history[history.length - 1];
    const previous = history.length > 1 ? history[history.length - 2] : null;
    if (previous) {
      const seconds = Math.max(0.001, (latest.t - previous.t) / 1000);
      const rate = clusterGrowth(latest, previous, "invalidationsPublished") / seconds;
      setValue("invalidation-rate", rate, formatNumber(rate, 1));
    }

    const p99 = clusterDelivery(latest).p99;
    setValue("delivery-p99", p99, p99 === null ? "–" : formatNumber(p99, 2) + " ms");
  }

  function renderMembers(data) {
    const figures = new Map(data.silos.map((s) => [s.address, s]));
    const body = $("members").tBodies[0];
    const rows = document.createDocumentFragment();
    const members = data.members.slice().sort((a, b) => (a.status === b.status ? a.address.localeCompare(b.address) : a.status === "Active" ? -1 : 1));
    for (const member of members) {
      const silo = figures.get(member.address);
      const ok = silo && !silo.error;
      const row = document.createElement("tr");
      row.dataset.silo = member.address;
      row.dataset.status = member.status;
      cell(row, member.address);
      cell(row, member.name);
      cell(row, member.status, "state-" + member.status);
      cell(row, member.generation);
      cell(row, member.gateway);
      const entries = cell(row, ok ? formatNumber(silo.entries) : null, "number");
      entries.dataset.field = "entries";
      entries.dataset.value = ok ? String(silo.entries) : "";
      cell(row, ok ? formatNumber(silo.readsHit + silo.readsMiss) : null, "number");
      cell(row, ok ? formatNumber(silo.invalidationsPublished) : null, "number");
      cell(row, ok ? formatNumber(silo.deliveries) : null, "number");
      cell(row, ok ? formatNumber(silo.deliveriesFailed) : null, "number");
      cell(row, silo ? silo.error || "ok" : member.status === "Active" ? "not reported" : null, silo && silo.error ? "wrap state-error" : "wrap");
      cell(row, new Date(member.lastHeartbeat).toLocaleTimeString("en-GB"));
      rows.appendChild(row);
    }

    body.replaceChildren(rows);
  }

  // Series for the charts, one point per poll interval.
  function chartSeries() {
    const rate = [];
    const p50 = [];
    const p99 = [];
    const entries = new Map();
    for (let i = 0; i < history.length; i++) {
      const sample = history[i];
      if (i > 0) {
        const previous = history[i - 1];
        const seconds = Math.max(0.001, (sample.t - previous.t) / 1000);
        rate.push({ t: sample.t, v: clusterGrowth(sample, previous, "invalidationsPublished") / seconds });
      }

      const delivery = clusterDelivery(sample);
      p50.push({ t: sample.t, v: delivery.p50 });
      p99.push({ t: sample.t, v: delivery.p99 });
      sample.silos.forEach((silo, address) => {
        if (!entries.has(address)) {
          entries.set(address, []);
        }

        entries.get(address).push({ t: sample.t, v: silo.entries });
      });
    }

    return { rate: rate, p50: p50, p99: p99, entries: entries };
  }

  function drawChart(canvas, series, digits) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 360;
    const height = canvas.clientHeight || 180;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }

    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "11px system-ui, sans-serif";

    const left = 48;
    const right = 8;
    const top = 8;
    const bottom = 34;
    const plotWidth = width - left - right;
    const plotHeight = height - top - bottom;
    // The time axis grows with the data seen, from one minute up to the whole window.
    const end = Date.now();
    const span = Math.min(WINDOW_MS, Math.max(60 * 1000, history.length > 0 ? end - history[0].t : 0));
    const start = end - span;

    let max = 0;
    for (const s of series) {
      for (const p of s.points) {
        if (p.v !== null && p.v > max) {
          max = p.v;
        }
      }
    }

    max = max > 0 ? max * 1.15 : 1;
    const x = (t) => left + ((t - start) / span) * plotWidth;
    const y = (v) => top + plotHeight - (v / max) * plotHeight;

    // Grid and axis labels.
    g.strokeStyle = "#e4e7ee";
    g.fillStyle = "#667085";
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const value = (max * i) / 4;
      const yy = Math.round(y(value)) + 0.5;
      g.beginPath();
      g.moveTo(left, yy);
      g.lineTo(left + plotWidth, yy);
      g.stroke();
      g.textAlign = "right";
      g.fillText(formatNumber(value, digits), left - 6, yy + 4);
    }

    g.textAlign = "center";
    for (let tick = 5; tick >= 0; tick--) {
      const seconds = (span * tick) / 5 / 1000;
      const label = tick === 0 ? "now" : seconds >= 60 ? "-" + formatNumber(seconds / 60, 1) + " min" : "-" + Math.round(seconds) + " s";
      g.fillText(label, x(end - seconds * 1000), top + plotHeight + 14);
    }

    // Lines; a null value (nothing measured in that interval) breaks the line, and a point alone is drawn as a dot.
    series.forEach((s, index) => {
      const color = s.color || COLORS[index % COLORS.length];
      g.strokeStyle = color;
      g.fillStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      let run = [];
      const finishRun = () => {
        if (run.length === 1) {
          g.fillRect(x(run[0].t) - 2, y(run[0].v) - 2, 4, 4);
        }

        run = [];
      };
      for (const p of s.points) {
        if (p.v === null || p.t < start) {
          finishRun();
          continue;
        }

        if (run.length > 0) {
          g.lineTo(x(p.t), y(p.v));
        } else {
          g.moveTo(x(p.t), y(p.v));
        }

        run.push(p);
      }

      finishRun();
      g.stroke();
    });

    // Legend.
    g.textAlign = "left";
    let legendX = left;
    series.forEach((s, index) => {
      g.fillStyle = s.color || COLORS[index % COLORS.length];
      g.fillRect(legendX, height - 10, 10, 3);
      g.fillStyle = "#1d2430";
      g.fillText(s.name, legendX + 14, height - 6);
      legendX += 22 + g.measureText(s.name).width;
    });
  }

  function renderCharts() {
    const series = chartSeries();
    drawChart($("chart-invalidations"), [{ name: "invalidations/s", points: series.rate }], 1);
    drawChart($("chart-delivery"), [
      { name: "p50", points: series.p50, color: COLORS[0] },
      { name: "p99", points: series.p99, color: COLORS[1] },
    ], 2);
    const perSilo = [];
    series.entries.forEach((points, address) => perSilo.push({ name: names.get(address) || address, points: points }));
    drawChart($("chart-entries"), perSilo, 0);
  }

  function setStatus(state, text) {
    const status = $("status");
    status.dataset.state = state;
    status.textContent = text;
  }

  async function poll() {
    try {
      const response = await fetch("api/cluster", { cache: "no-store", headers: { Accept: "application/json" } });
      const data = await response.json();
      if (!response.ok) {
        throw new Error(data && data.error ? data.error : "HTTP " + response.status);
      }

      record(data);
      renderTiles(data);
      renderMembers(data);
      renderCharts();
      $("served-by").textContent = "as seen by " + data.silo + " at " + new Date(data.time).toLocaleTimeString("en-GB");
      setStatus("ok", "live");
      polls++;
      document.body.dataset.polls = String(polls);
    } catch (error) {
      setStatus("error", "no data: " + (error && error.message ? error.message : String(error)));
    } finally {
      window.setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
