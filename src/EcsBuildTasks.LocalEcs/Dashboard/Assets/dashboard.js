// LocalEcs dashboard: polls /_localecs/dashboard/api/* and draws it; its buttons call the control API.
// Plain browser JavaScript, no dependencies and no build step. Everything the server sends is put on the page as text
// (textContent, attributes), never parsed as HTML.
'use strict';

(() => {
  const POLL_MS = 1000;
  const API = '/_localecs/dashboard/api/';
  const controlHeader = document.querySelector('meta[name="localecs-control-header"]').content;
  const controlValue = document.querySelector('meta[name="localecs-control-value"]').content;
  const SERIES_COLORS = { blue: '#2f81f7', green: '#2da44e', amber: '#d4a72c', violet: '#8250df', grey: '#8c959f', red: '#cf222e' };
  const ROLLING_PLAN = ['SCALE_UP', 'CLEAN_UP'];

  const state = {
    region: null,
    selected: null, // service ARN
    selectedDeployment: null, // service deployment ARN; null follows the latest
    overview: null,
    detail: null,
    rendered: {}, // last JSON drawn per part, to redraw only what changed
    timer: null,
    inFlight: false,
    again: false,
  };

  const $ = (id) => document.getElementById(id);

  // ---------- DOM helpers ----------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'text') node.textContent = value;
      else if (value !== undefined && value !== null) node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
  }

  const TONES = {
    ok: ['RUNNING', 'ACTIVE', 'healthy', 'HEALTHY', 'SUCCESSFUL', 'COMPLETED', 'SUCCEEDED', 'PRIMARY', 'OK'],
    info: ['PROVISIONING', 'PENDING', 'ACTIVATING', 'IN_PROGRESS', 'initial', 'AWAITING_ACTION', 'MONITORING'],
    warn: ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'draining', 'DRAINING', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_REQUESTED', 'STOP_REQUESTED', 'ROLLBACK_SUCCESSFUL', 'INSUFFICIENT_DATA'],
    bad: ['unhealthy', 'UNHEALTHY', 'FAILED', 'ROLLBACK_FAILED', 'TIMED_OUT', 'TRIGGERED', 'ALARM', 'STOPPED'],
  };

  function toneOf(status) {
    for (const [tone, words] of Object.entries(TONES)) if (words.includes(status)) return tone;
    return 'muted';
  }

  function badge(text, tone, title) {
    return el('span', { class: `badge tone-${tone || toneOf(text)}`, title }, text);
  }

  // ---------- formatting (simulated time is UTC) ----------

  function clockTime(ms) {
    return new Date(ms).toISOString().slice(11, 19);
  }

  function duration(ms) {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  }

  function offset(ms) {
    const seconds = Math.max(0, Math.round(ms / 1000));
    const m = Math.floor(seconds / 60);
    const s = String(seconds % 60).padStart(2, '0');
    return `+${m}:${s}`;
  }

  function percent(value) {
    return `${Math.round(value * 10) / 10}%`;
  }

  // ---------- talking to LocalEcs ----------

  async function getJson(path) {
    const response = await fetch(API + path, { headers: { [controlHeader]: controlValue }, cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return response.json();
  }

  async function control(method, path, body) {
    const response = await fetch('/_localecs/' + path, {
      method,
      headers: { [controlHeader]: controlValue, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    try { json = await response.json(); } catch { /* not JSON */ }
    if (!response.ok) throw new Error((json && json.error) || `${response.status} ${response.statusText}`);
    return json;
  }

  async function poll() {
    clearTimeout(state.timer);
    if (state.inFlight) {
      // One poll at a time: a click during a poll asks for another right after it.
      state.again = true;
      return;
    }

    state.inFlight = true;
    try {
      const region = state.region ? `?region=${encodeURIComponent(state.region)}` : '';
      const overview = await getJson('overview' + region);
      state.overview = overview;
      state.region = overview.region;
      chooseService(overview.services);
      let detail = null;
      if (state.selected) {
        const query = new URLSearchParams({ arn: state.selected });
        if (state.selectedDeployment) query.set('deployment', state.selectedDeployment);
        try {
          detail = await getJson('service?' + query);
        } catch {
          detail = null; // The service went away between the two calls.
        }
      }
      state.detail = detail;
      setConnection(true, overview);
      render();
    } catch (error) {
      setConnection(false, null, error);
    } finally {
      state.inFlight = false;
      state.timer = setTimeout(poll, state.again ? 50 : POLL_MS);
      state.again = false;
    }
  }

  function refreshSoon() {
    clearTimeout(state.timer);
    state.timer = setTimeout(poll, 50);
  }

  function setConnection(ok, overview, error) {
    const node = $('connection');
    node.classList.toggle('lost', !ok);
    node.textContent = ok ? 'live' : 'LocalEcs is not answering';
    node.title = ok ? `polling every ${POLL_MS / 1000} s` : String(error);
    if (overview) {
      $('clock').textContent = clockTime(overview.now);
      $('clock').dateTime = new Date(overview.now).toISOString();
      $('time-scale').textContent = overview.timeScale === 0 ? 'instant' : `×${overview.timeScale}`;
    }
  }

  /** Keeps the user's choice; otherwise follows the service with a deployment in progress, else the first. */
  function chooseService(services) {
    if (state.selected && services.some((s) => s.arn === state.selected)) return;
    state.selectedDeployment = null;
    const moving = services.find((s) => s.deployment && ['PENDING', 'IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_REQUESTED'].includes(s.deployment.status));
    state.selected = (moving || services[0] || {}).arn || null;
  }

  function select(arn) {
    if (state.selected === arn) return;
    state.selected = arn;
    state.selectedDeployment = null;
    state.rendered = {};
    refreshSoon();
  }

  // ---------- rendering ----------

  function changed(part, value) {
    const json = JSON.stringify(value);
    if (state.rendered[part] === json) return false;
    state.rendered[part] = json;
    return true;
  }

  function render() {
    const { overview, detail } = state;
    if (changed('regions', [overview.regions, overview.region])) renderRegions(overview);
    if (changed('services', [overview.services, state.selected])) renderServices(overview.services);
    if (changed('faults', [overview.faults, detail && detail.service])) renderFaults(overview.faults, detail && detail.service);
    if (changed('detail', [detail, overview.now])) renderDeployment(detail, overview.now);
    if (changed('sections', [overview.sections, state.selected, $('only-selected').checked])) renderSections(overview.sections);
  }

  function renderRegions(overview) {
    const select = $('region');
    select.replaceChildren(...overview.regions.map((r) => el('option', { value: r, selected: r === overview.region }, r)));
  }

  function renderServices(services) {
    const body = $('services').tBodies[0];
    $('services-empty').hidden = services.length > 0;
    const groups = new Map();
    for (const service of services) {
      const key = `${service.cluster}/${service.group}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(service);
    }

    const rows = [];
    for (const members of groups.values()) {
      const versioned = members.some((m) => m.version !== null && m.version !== undefined);
      if (versioned) {
        const versions = members.filter((m) => m.version !== null && m.version !== undefined).map((m) => `v${m.version}`).join(', ');
        rows.push(el('tr', { class: 'group', 'data-group': `${members[0].cluster}/${members[0].group}` },
          el('td', { colspan: 5 }, `${members[0].group} `, el('span', { class: 'cluster' }, `in ${members[0].cluster} · versions ${versions}`))));
      }

      for (const service of members.sort((a, b) => (a.version ?? -1) - (b.version ?? -1))) {
        rows.push(serviceRow(service, versioned));
      }
    }

    body.replaceChildren(...rows);
  }

  function serviceRow(service, member) {
    const deployment = service.deployment;
    const deploymentCell = deployment
      ? el('td', null, badge(deployment.status),
        deployment.stage ? el('span', { class: 'stage' }, deployment.stage.replaceAll('_', ' ').toLowerCase()) : null,
        deployment.productionWeight !== null && deployment.productionWeight !== undefined && deployment.status !== 'SUCCESSFUL'
          ? el('span', { class: 'stage' }, `${percent(deployment.productionWeight)} on new revision`) : null)
      : el('td', null, el('span', { class: 'cluster' }, '—'));
    const row = el('tr', {
      class: [member ? 'member' : '', service.arn === state.selected ? 'selected' : ''].join(' ').trim() || null,
      'data-service': service.key,
      'aria-selected': service.arn === state.selected ? 'true' : 'false',
      onclick: () => select(service.arn),
    },
    el('td', null,
      el('button', { type: 'button', class: 'service-name', onclick: (e) => { e.stopPropagation(); select(service.arn); } }, service.name),
      service.version !== null && service.version !== undefined ? el('span', { class: 'version-tag' }, `v${service.version}`) : null,
      el('span', { class: 'cluster' }, ` ${service.cluster}`),
      service.status !== 'ACTIVE' ? badge(service.status) : null,
      service.nextRevisionFault ? el('span', { class: 'armed' }, `⚠ ${service.nextRevisionFault} armed for the next revision`) : null),
    el('td', { class: 'mono' }, service.revision),
    el('td', { class: 'counts', title: 'running / desired (pending)' },
      `${service.running} / ${service.desired}`,
      service.pending ? el('span', { class: 'pending' }, ` (${service.pending} pending)`) : null),
    el('td', null, service.strategy.replaceAll('_', ' ').toLowerCase()),
    deploymentCell);
    return row;
  }

  // ----- the deployment live view -----

  function renderDeployment(detail, now) {
    const body = $('deployment-body');
    const picker = document.querySelector('.deployment-picker');
    if (!detail) {
      body.hidden = true;
      picker.hidden = true;
      $('deployment-empty').hidden = false;
      $('deployment-empty').textContent = state.overview.services.length ? 'Select a service to watch its deployments.' : 'Nothing deployed yet.';
      $('deployment-title').textContent = 'Deployment';
      return;
    }

    const service = detail.service;
    const deployment = detail.deployment;
    $('deployment-title').textContent = `${service.name} in ${service.cluster}`;
    picker.hidden = detail.deployments.length < 2;
    // Rebuilt only when the list changes, so an open drop-down is not closed under the user's pointer.
    if (changed('deployment-list', [detail.deployments, deployment && deployment.arn])) {
      $('deployment-select').replaceChildren(...detail.deployments.map((d, i) => el('option', {
        value: i === 0 ? '' : d.arn,
        selected: deployment && d.arn === deployment.arn,
      }, `${clockTime(d.createdAt)} · ${d.revision} · ${d.status}${i === 0 ? ' (latest)' : ''}`)));
    }

    if (!deployment) {
      body.hidden = true;
      $('deployment-empty').hidden = false;
      $('deployment-empty').textContent = 'No deployments of this service yet.';
      return;
    }

    $('deployment-empty').hidden = true;
    body.hidden = false;
    renderSummary(service, deployment, now);
    renderTimeline(deployment, now);
    const windowStart = deployment.createdAt - 5000;
    const windowEnd = Math.max(deployment.finishedAt ?? now, windowStart + 20000);
    renderTrafficChart(deployment, detail.samples, windowStart, windowEnd);
    renderTasksChart(detail.samples, windowStart, windowEnd);
    renderMonitors(deployment);
    renderHooks(deployment, now);
    $('events').replaceChildren(...(detail.events.length ? detail.events : [{ at: null, message: 'No events in this deployment yet.' }])
      .map((e) => el('li', null, el('time', null, e.at ? clockTime(e.at) : ''), el('span', null, e.message))));
  }

  function summaryItem(key, value) {
    return el('div', { class: 'item' }, el('span', { class: 'k' }, key), el('span', { class: 'v' }, value));
  }

  function renderSummary(service, deployment, now) {
    const items = [
      summaryItem('Status', badge(deployment.status)),
      summaryItem('Strategy', deployment.strategy.replaceAll('_', ' ').toLowerCase()),
      summaryItem('Revision', `${deployment.sourceRevisions.join(', ') || '—'} → ${deployment.targetRevision}`),
      summaryItem('Stage', deployment.stage || (['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL'].includes(deployment.status) ? 'done' : '—')),
      summaryItem('Elapsed', duration(deployment.elapsedMs)),
      summaryItem('Tasks', `${service.running} / ${service.desired}${service.pending ? ` (${service.pending} pending)` : ''}`),
    ];
    if (deployment.productionWeight !== null && deployment.productionWeight !== undefined) {
      items.push(summaryItem('Production traffic', `${percent(deployment.productionWeight)} new`));
    }
    $('deployment-summary').replaceChildren(...items);

    const reason = $('deployment-reason');
    const text = deployment.rollback
      ? `Rolled back${deployment.rollback.revision ? ` to ${deployment.rollback.revision}` : ''}: ${deployment.rollback.reason || deployment.statusReason || ''}`
      : deployment.statusReason;
    reason.hidden = !text;
    reason.textContent = text || '';
    reason.className = deployment.status === 'ROLLBACK_SUCCESSFUL' ? 'reason warn' : 'reason';
  }

  function stageLabel(stage, weight) {
    return [stage, weight !== null && weight !== undefined ? `${percent(weight)}` : null];
  }

  function renderTimeline(deployment, now) {
    const spans = deployment.timeline;
    const start = spans.length ? spans[0].start : (deployment.startedAt ?? deployment.createdAt);
    const end = deployment.finishedAt ?? now;
    const total = Math.max(end - start, 1000);
    const items = spans.map((span) => {
      const spanEnd = span.end ?? now;
      const outcome = span.stage === 'ROLLBACK' && span.outcome !== 'failed' ? `rollback ${span.outcome}` : span.outcome;
      const mark = { completed: '✓', failed: '✗', stopped: '■', current: '●' }[span.outcome];
      const [name, weight] = stageLabel(span.stage, span.weight);
      const bar = el('span', { class: 'bar' });
      bar.style.left = `${((span.start - start) / total) * 100}%`;
      bar.style.width = `${Math.max(((spanEnd - span.start) / total) * 100, 0.4)}%`;
      return el('li', { class: outcome, 'data-stage': span.stage, 'data-outcome': span.outcome },
        el('span', { class: 'mark', 'aria-hidden': 'true' }, mark),
        el('span', { class: 'name', title: span.stage }, name, weight ? el('span', { class: 'weight' }, weight) : null),
        el('span', { class: 'took' }, span.outcome === 'current' ? `${duration(spanEnd - span.start)}…` : duration(spanEnd - span.start)),
        el('span', { class: 'track' }, bar));
    });

    // What is still to come, from the strategy's plan.
    if (!deployment.finishedAt) {
      const plan = deployment.plan.length ? deployment.plan.map((p) => [p.stage, p.weight]) : ROLLING_PLAN.map((s) => [s, null]);
      const seen = deployment.plan.length
        ? spans.filter((s) => s.stage !== 'ROLLBACK').length
        : Math.max(0, ...spans.map((s) => ROLLING_PLAN.indexOf(s.stage) + 1));
      if (!deployment.rollback) {
        for (const [stage, weight] of plan.slice(seen)) {
          const [name, label] = stageLabel(stage, weight);
          items.push(el('li', { class: 'planned', 'data-stage': stage, 'data-outcome': 'planned' },
            el('span', { class: 'mark', 'aria-hidden': 'true' }, '○'),
            el('span', { class: 'name' }, name, label ? el('span', { class: 'weight' }, label) : null),
            el('span', { class: 'took' }, ''),
            el('span', { class: 'track' })));
        }
      }
    }

    if (!items.length) {
      items.push(el('li', { class: 'planned' }, el('span'), el('span', { class: 'name' },
        deployment.partial ? 'Started before this LocalEcs did: stages are shown from when it saw them.' : 'Waiting for the scheduler…')));
    }

    $('timeline').replaceChildren(...items);
  }

  /**
   * A step chart of series over simulated time. Values hold until the next sample, as the simulation changes them.
   * series: [{ name, color, dashed, values: [[t, v], ...] }]
   */
  function chart(figure, caption, { series, x0, x1, yMax, unit, note }) {
    const W = 560; const H = 180; const L = 34; const R = 10; const T = 8; const B = 22;
    const w = W - L - R; const h = H - T - B;
    const x = (t) => L + ((Math.min(Math.max(t, x0), x1) - x0) / Math.max(x1 - x0, 1)) * w;
    const y = (v) => T + h - (v / yMax) * h;
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': caption });

    const yTicks = unit === '%' ? [0, 25, 50, 75, 100] : niceCounts(yMax);
    for (const tick of yTicks) {
      root.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(tick), y2: y(tick) }));
      root.append(svg('text', { x: L - 6, y: y(tick) + 3, 'text-anchor': 'end', text: `${tick}${unit === '%' ? '%' : ''}` }));
    }
    const xTickCount = 5;
    for (let i = 0; i <= xTickCount; i++) {
      const t = x0 + ((x1 - x0) * i) / xTickCount;
      root.append(svg('text', { x: x(t), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === xTickCount ? 'end' : 'middle', text: offset(t - x0) }));
    }
    root.append(svg('line', { class: 'axis', x1: L, x2: W - R, y1: T + h, y2: T + h }));

    for (const s of series) {
      const points = s.values.filter(([, v]) => v !== null && v !== undefined);
      if (!points.length) continue;
      let d = `M ${x(points[0][0]).toFixed(1)} ${y(points[0][1]).toFixed(1)}`;
      for (let i = 1; i < points.length; i++) {
        d += ` H ${x(points[i][0]).toFixed(1)} V ${y(points[i][1]).toFixed(1)}`;
      }
      d += ` H ${x(x1).toFixed(1)}`;
      root.append(svg('path', { class: `series${s.dashed ? ' dashed' : ''}`, d, stroke: s.color, 'data-series': s.name }));
    }

    const legend = el('ul', { class: 'legend' }, series.map((s) => {
      const last = [...s.values].reverse().find(([, v]) => v !== null && v !== undefined);
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = s.color;
      return el('li', { 'data-series': s.name }, swatch, `${s.name} `,
        el('span', { class: 'value' }, last ? (unit === '%' ? percent(last[1]) : String(last[1])) : '–'));
    }));
    figure.replaceChildren(...[el('figcaption', null, caption), root, legend, note ? el('p', { class: 'note' }, note) : null].filter(Boolean));
  }

  function niceCounts(max) {
    const step = max <= 5 ? 1 : max <= 10 ? 2 : Math.ceil(max / 5);
    const ticks = [];
    for (let v = 0; v <= max; v += step) ticks.push(v);
    return ticks;
  }

  function renderTrafficChart(deployment, samples, x0, x1) {
    const figure = $('traffic-chart');
    if (deployment.strategy === 'ROLLING') {
      figure.replaceChildren(el('figcaption', null, 'Traffic to the new revision'),
        el('p', { class: 'note' }, 'Rolling deployments shift no weights: new tasks join the target group as they become healthy.'));
      return;
    }

    chart(figure, 'Traffic to the new revision', {
      x0, x1, yMax: 100, unit: '%',
      series: [
        { name: 'Production', color: SERIES_COLORS.green, values: samples.map((s) => [s.t, s.productionWeight]) },
        { name: 'Test', color: SERIES_COLORS.violet, dashed: true, values: samples.map((s) => [s.t, s.testWeight]) },
      ],
    });
  }

  function renderTasksChart(samples, x0, x1) {
    const max = Math.max(2, ...samples.map((s) => Math.max(s.desired, s.running + s.pending, s.targetRunning + s.otherRunning)));
    chart($('tasks-chart'), 'Tasks', {
      x0, x1, yMax: max, unit: 'tasks',
      series: [
        { name: 'Desired', color: SERIES_COLORS.grey, dashed: true, values: samples.map((s) => [s.t, s.desired]) },
        { name: 'New revision running', color: SERIES_COLORS.green, values: samples.map((s) => [s.t, s.targetRunning]) },
        { name: 'Previous running', color: SERIES_COLORS.blue, values: samples.map((s) => [s.t, s.otherRunning]) },
        { name: 'Pending', color: SERIES_COLORS.amber, values: samples.map((s) => [s.t, s.pending]) },
      ],
    });
  }

  function renderMonitors(deployment) {
    const breaker = deployment.circuitBreaker;
    const alarms = deployment.alarms;
    $('monitors').replaceChildren(
      el('span', null, 'Circuit breaker ', badge(breaker.status),
        breaker.status !== 'DISABLED' ? ` ${breaker.failures} of ${breaker.threshold} failed tasks${breaker.rollback ? ', rolls back' : ''}` : null),
      el('span', null, 'Alarms ', badge(alarms.status),
        alarms.names.length ? ` ${alarms.names.join(', ')}` : null,
        alarms.triggered.length ? el('strong', null, ` triggered: ${alarms.triggered.join(', ')}`) : null));
  }

  function renderHooks(deployment, now) {
    const body = $('hooks').tBodies[0];
    const rows = deployment.hooks.map((hook) => {
      const waiting = hook.status === 'AWAITING_ACTION' || hook.status === 'IN_PROGRESS';
      const what = hook.gate ? 'verification gate (EcsBuildTasks)'
        : hook.type === 'PAUSE' ? 'PAUSE hook' : `Lambda ${(hook.target || '').split(':').pop()}`;
      const result = hook.gate && !waiting ? (hook.status === 'SUCCEEDED' ? 'PASSED' : 'FAILED') : hook.status;
      const actions = [];
      if (hook.type === 'AWS_LAMBDA' && hook.status === 'IN_PROGRESS') {
        actions.push(el('button', { type: 'button', onclick: () => hookResult(hook.hookId, 'SUCCEEDED') }, 'Succeed'),
          ' ', el('button', { type: 'button', class: 'danger', onclick: () => hookResult(hook.hookId, 'FAILED') }, 'Fail'));
      }
      if (waiting) {
        actions.push(el('span', { class: 'cluster' }, ` times out at ${clockTime(hook.expiresAt)} → ${hook.timeoutAction}`));
      }
      return el('tr', { 'data-hook': hook.hookId },
        el('td', null, hook.stage),
        el('td', null, what),
        el('td', null, badge(result, toneOf(result === 'PASSED' ? 'SUCCEEDED' : result))),
        el('td', null, waiting ? `${duration(now - hook.createdAt)}…` : duration(hook.changedAt - hook.createdAt)),
        el('td', null, actions));
    });
    if (!rows.length) {
      rows.push(el('tr', null, el('td', { colspan: 5, class: 'empty' }, 'No lifecycle hooks or verification gates in this deployment.')));
    }
    body.replaceChildren(...rows);
  }

  async function hookResult(hookId, status) {
    try {
      await control('POST', 'hooks', { hookId, status });
    } catch (error) {
      alertLine('next-revision-status', `Could not set the hook result: ${error.message}`, false);
    }
    refreshSoon();
  }

  // ----- faults -----

  function renderFaults(faults, service) {
    $('fault-service-name').textContent = service ? `${service.name} (${service.cluster})` : 'the selected service';
    $('arm-next-revision').disabled = !service;
    $('disarm-next-revision').hidden = !(service && service.nextRevisionFault);
    const line = $('next-revision-status');
    if (service && !service.nextRevisionFault && line.dataset.armedFor === service.arn) {
      // The armed fault went into a deployment (or was disarmed elsewhere): the old message no longer holds.
      line.textContent = '';
      delete line.dataset.armedFor;
    }
    const list = $('fault-rules');
    list.replaceChildren(...faults.map((rule) => {
      const kinds = [
        rule.throttleRate ? `throttling ${percent(rule.throttleRate * 100)}` : null,
        rule.errorRate ? `5xx ${percent(rule.errorRate * 100)}` : null,
        rule.dropRate ? `dropped ${percent(rule.dropRate * 100)}` : null,
        rule.latencyMs ? `+${rule.latencyMs} ms` : null,
      ].filter(Boolean).join(', ');
      const left = rule.remainingCalls === null || rule.remainingCalls === undefined ? '' : ` (${rule.remainingCalls} calls left)`;
      return el('li', null, badge('fault', 'bad'), `${rule.service || 'every API'} ${rule.operation || '(every operation)'}: ${kinds}${left}`);
    }));
  }

  function alertLine(id, text, ok) {
    const line = $(id);
    line.textContent = text;
    line.className = `status-line ${ok ? 'ok' : 'bad'}`;
  }

  function selectedService() {
    return state.overview && state.overview.services.find((s) => s.arn === state.selected);
  }

  $('next-revision-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const service = selectedService();
    if (!service) return;
    const simulate = $('next-revision-behaviour').value;
    try {
      await control('POST', 'faults/next-revision', { cluster: service.cluster, service: service.name, simulate, region: state.region });
      alertLine('next-revision-status', `Armed: the next revision of ${service.name} will ${simulate === 'crash' ? 'crash' : `run with ${simulate}`}. Deploy it to rehearse the rollback.`, true);
      $('next-revision-status').dataset.armedFor = service.arn;
    } catch (error) {
      alertLine('next-revision-status', `Not armed: ${error.message}`, false);
    }
    refreshSoon();
  });

  $('disarm-next-revision').addEventListener('click', async () => {
    const service = selectedService();
    if (!service) return;
    try {
      await control('DELETE', 'faults/next-revision', { cluster: service.cluster, service: service.name, region: state.region });
      alertLine('next-revision-status', `Disarmed: the next revision of ${service.name} runs as defined.`, true);
    } catch (error) {
      alertLine('next-revision-status', `Not disarmed: ${error.message}`, false);
    }
    refreshSoon();
  });

  $('api-fault-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const rule = { service: $('fault-api').value, [$('fault-kind').value]: Number($('fault-rate').value) };
    const operation = $('fault-operation').value.trim();
    if (operation) rule.operation = operation;
    try {
      await control('POST', 'faults', rule);
    } catch (error) {
      window.alert(`The fault was refused: ${error.message}`);
    }
    refreshSoon();
  });

  $('clear-faults').addEventListener('click', async () => {
    await control('DELETE', 'faults').catch(() => {});
    refreshSoon();
  });

  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await control('POST', 'clock/advance', { seconds: Number(button.dataset.advance) });
      } catch (error) {
        window.alert(`The clock did not move: ${error.message}`);
      } finally {
        button.disabled = false;
      }
      refreshSoon();
    });
  }

  $('region').addEventListener('change', (event) => {
    state.region = event.target.value;
    state.selected = null;
    state.rendered = {};
    refreshSoon();
  });

  $('deployment-select').addEventListener('change', (event) => {
    state.selectedDeployment = event.target.value || null;
    refreshSoon();
  });

  $('only-selected').addEventListener('change', () => render());

  // ----- resource sections (generic tables) -----

  function renderCell(cell) {
    if (cell === null || cell === undefined) return el('td');
    if (typeof cell !== 'object') return el('td', null, String(cell));
    return el('td', null, cellContent(cell));
  }

  function cellContent(cell) {
    if (cell === null || cell === undefined) return null;
    if (typeof cell !== 'object') return String(cell);
    if (cell.time !== undefined) return el('time', { datetime: new Date(cell.time).toISOString() }, clockTime(cell.time));
    if (cell.weights) {
      return el('div', { class: 'weights', role: 'img', 'aria-label': cell.weights.map((w) => `${w.label} ${percent(w.weight)}`).join(', ') },
        cell.weights.map((w) => {
          const segment = el('span', { class: `segment${w.weight === 0 ? ' zero' : ''}`, title: `${w.label}: ${percent(w.weight)}` }, `${w.label} ${percent(w.weight)}`);
          if (w.weight > 0) segment.style.flex = `${w.weight} 1 0`;
          return segment;
        }));
    }
    if (cell.items) return el('div', { class: 'list' }, cell.items.map((item) => typeof item === 'object' ? cellContent(item) : el('span', { class: 'badge tone-muted' }, item)));
    if (cell.tone) return badge(cell.text, cell.tone, cell.title);
    return el('span', { class: cell.mono ? 'mono' : null, title: cell.title }, cell.text);
  }

  function renderSections(sections) {
    const container = $('sections');
    const only = $('only-selected').checked;
    const selected = selectedService();
    for (const section of sections) {
      let details = container.querySelector(`details[data-section="${CSS.escape(section.id)}"]`);
      if (!details) {
        details = el('details', { open: true, 'data-section': section.id },
          el('summary', null, el('span', { class: 'title' }), el('span', { class: 'count' })),
          el('table', { class: 'grid' }, el('thead'), el('tbody')));
        container.append(details);
      }
      const rows = section.rows.filter((row) => !only || !selected || !row.service || row.service === selected.key);
      details.querySelector('.title').textContent = section.title;
      details.querySelector('.count').textContent = `${rows.length}${section.omitted ? ` (+${section.omitted} not shown)` : ''}`;
      const table = details.querySelector('table');
      table.tHead.replaceChildren(el('tr', null, section.columns.map((c) => el('th', null, c))));
      table.tBodies[0].replaceChildren(...(rows.length
        ? rows.map((row) => el('tr', { 'data-key': row.key, 'data-service': row.service }, row.cells.map(renderCell)))
        : [el('tr', null, el('td', { colspan: section.columns.length, class: 'empty' }, section.empty))]));
    }
  }

  poll();
})();
