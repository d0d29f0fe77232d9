// A trial-count slider that needs no kernel: redraws the random-search figure from
// the trials embedded next to it (root: the slider's element). Inserted inline by
// hpobook.static_slider. The two panels stand side by side where the slider's element
// shows them at 90% of their size or more, and one above the other where it does not (a phone).
// On a page in Korean (<html lang="ko">, the book's Korean edition) its words are Korean.
function hpobookTrialSlider(root) {
  const WORDS = {
    en: {label: "Number of trials:", inputName: "number of trials",
         figure: "validation error against learning rate, and best error so far",
         left: "Validation error vs learning rate",
         lrAxis: "learning rate (log scale)", errorAxis: "validation error",
         right: "Best validation error so far", trialAxis: "number of trials",
         tip: (i, lr, err) => `trial ${i}: lr ${lr}, error ${err}`, diverged: "training diverged",
         readout: (n, best, lr, err) => `Best of ${n} trial${n > 1 ? "s" : ""}: trial ${best}, ` +
           `learning rate = ${lr}, validation error = ${err}`},
    ko: {label: "시행 횟수:", inputName: "시행 횟수",
         figure: "학습률에 따른 검증 오류와 지금까지의 최저 오류",
         left: "학습률에 따른 검증 오류", lrAxis: "학습률 (로그 척도)",
         errorAxis: "검증 오류", right: "지금까지의 최저 검증 오류", trialAxis: "시행 횟수",
         tip: (i, lr, err) => `시행 ${i}: 학습률 ${lr}, 오류 ${err}`, diverged: "학습 발산",
         readout: (n, best, lr, err) => `시행 ${n}번 중 최고: 시행 ${best}, ` +
           `학습률 = ${lr}, 검증 오류 = ${err}`},
  };
  const words = WORDS[document.documentElement.lang === "ko" ? "ko" : "en"];
  root.querySelector(".trial-slider-label").textContent = words.label;
  root.querySelector("input[type=range]").setAttribute("aria-label", words.inputName);
  root.querySelector("svg").setAttribute("aria-label", words.figure);
  const data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  // errors that depend on the machine come as text with the mark "†" after them
  const marked = data.error.map(e => typeof e === "string");
  data.error = data.error.map(e => typeof e === "string" ? parseFloat(e) : e);
  const errorText = (i) => data.error[i].toFixed(4) + (marked[i] ? "†" : "");
  const input = root.querySelector("input[type=range]");
  const svg = root.querySelector("svg");
  const readout = root.querySelector(".trial-slider-readout");
  const count = root.querySelector(".trial-slider-count");
  const NS = "http://www.w3.org/2000/svg";
  const W = 340, H = 230, M = {left: 52, right: 12, top: 26, bottom: 40};
  const logLo = Math.log10(data.lrRange[0]), logHi = Math.log10(data.lrRange[1]);
  const pad = 0.1 * (Math.max(...data.error) - Math.min(...data.error)) || 0.01;
  const yLo = Math.min(...data.error) - pad, yHi = Math.max(...data.error) + pad;
  const px = (v, lo, hi) => M.left + (v - lo) / (hi - lo) * (W - M.left - M.right);
  const py = (v) => M.top + (yHi - v) / (yHi - yLo) * (H - M.top - M.bottom);
  let columns = 0;  // panels side by side: 2, or 1 when stacked

  function el(parent, name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  // panel `index` (0 or 1) as a group of its own coordinates, with its frame and labels
  function panel(index, title, xlabel, xticks) {
    const [x0, y0] = columns === 2 ? [index * W, 0] : [0, index * H];
    const g = el(svg, "g", {transform: `translate(${x0},${y0})`});
    el(g, "rect", {x: M.left, y: M.top, width: W - M.left - M.right,
                   height: H - M.top - M.bottom, fill: "none", stroke: "#555"});
    el(g, "text", {x: W / 2, y: 16, "text-anchor": "middle", "font-size": 13}, title);
    el(g, "text", {x: (W + M.left - M.right) / 2, y: H - 6, "text-anchor": "middle",
                   "font-size": 12}, xlabel);
    for (const [v, label] of xticks)
      el(g, "text", {x: v, y: H - M.bottom + 14, "text-anchor": "middle", "font-size": 10}, label);
    for (let i = 0; i <= 4; i++) {
      const v = yLo + i * (yHi - yLo) / 4;
      el(g, "text", {x: M.left - 4, y: py(v) + 3, "text-anchor": "end", "font-size": 10},
         v.toFixed(3));
    }
    return g;
  }

  function draw(n) {
    n = Math.max(1, Math.min(data.error.length, Math.round(n)));
    svg.replaceChildren();
    const [width, height] = columns === 2 ? [2 * W, H] : [W, 2 * H];
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    const shown = data.error.slice(0, n);
    // a trial whose training diverged is drawn, but never ranks as the best
    const ranked = shown.map((err, i) => data.diverged[i] ? Infinity : err);
    const best = ranked.indexOf(Math.min(...ranked));
    const logTicks = [];
    for (let e = Math.ceil(logLo); e <= Math.floor(logHi); e++)
      logTicks.push([px(e, logLo, logHi), "1e" + e]);
    const left = panel(0, words.left, words.lrAxis, logTicks);
    const mid = M.top + (H - M.top - M.bottom) / 2;
    el(left, "text", {x: 14, y: mid, "font-size": 12, "text-anchor": "middle",
                      transform: `rotate(-90 14 ${mid})`}, words.errorAxis);
    shown.forEach((err, i) => {
      const c = el(left, "circle", {cx: px(Math.log10(data.lr[i]), logLo, logHi), cy: py(err),
                                    r: i === best ? 7 : 4,
                                    fill: i === best ? "#d62728" : data.diverged[i] ? "#ff7f0e" : "#1f77b4",
                                    "fill-opacity": i === best ? 1 : 0.7, class: "trial"});
      el(c, "title", {}, words.tip(i, data.lr[i].toPrecision(3), errorText(i)) +
                         (data.diverged[i] ? ` (${words.diverged})` : ""));
    });
    const total = data.error.length;
    const trialTicks = [1, Math.ceil(total / 2), total].map(
      t => [px(t, 0.5, total + 0.5), String(t)]);
    const right = panel(1, words.right, words.trialAxis, trialTicks);
    let runningBest = Infinity, path = "";
    shown.forEach((err, i) => {
      runningBest = Math.min(runningBest, ranked[i]);
      const x = px(i + 1, 0.5, total + 0.5);
      path += i === 0 ? `M${x},${py(runningBest)}` : `H${x}V${py(runningBest)}`;
      el(right, "circle", {cx: x, cy: py(err), r: 3, fill: "#1f77b4", "fill-opacity": 0.5});
    });
    path += `H${px(n + 0.5, 0.5, total + 0.5)}`;
    el(right, "path", {d: path, fill: "none", stroke: "#d62728", "stroke-width": 2,
                       class: "best-so-far"});
    count.textContent = String(n);
    readout.textContent = words.readout(n, best, data.lr[best].toPrecision(4), errorText(best));
  }

  // lay the panels out for the element's width now, and again whenever it changes
  function layout() {
    const fits = root.clientWidth >= 0.9 * 2 * W ? 2 : 1;
    if (fits !== columns) {
      columns = fits;
      draw(+input.value);
    }
  }

  input.addEventListener("input", () => draw(+input.value));
  layout();
  new ResizeObserver(layout).observe(root);
}
