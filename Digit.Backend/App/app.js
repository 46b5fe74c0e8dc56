// Digit's built-in page: draw, predict, correct, train, watch and see the model versions. No libraries and no
// build step; the server's Content-Security-Policy allows only files from its own origin, so nothing is inline.
'use strict';

const byId = id => document.getElementById(id);
// The page lives at /app/, so "../api/..." names the API on the same server, under any path base.
const api = path => `../api/${path}`;
const SVG = 'http://www.w3.org/2000/svg';

/** The message of a failed answer: the problem's detail when there is one. */
async function problemOf(response) {
  try {
    const body = await response.json();
    return body.detail || body.error || body.message || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status} ${response.statusText}`;
  }
}

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

/** Removes everything from an SVG chart but its title. */
function clearChart(svg) {
  for (const child of [...svg.children]) {
    if (child.tagName !== 'title') {
      child.remove();
    }
  }
}

const percent = (fraction, digits = 2) => (fraction === null || fraction === undefined ? '–' : `${(fraction * 100).toFixed(digits)}%`);

// ---- Drawing: as the original frontend draws, a round black pen 25 px wide on a white 280x280 canvas ----

const canvas = byId('canvas');
const pen = canvas.getContext('2d');
let last = null;
let inked = false;
let sentDrawing = null;
let predicted = null;

function clearCanvas() {
  pen.fillStyle = 'white';
  pen.fillRect(0, 0, canvas.width, canvas.height);
  inked = false;
  showPrediction(null);
}

/** The pointer's position in canvas pixels: inside the border, scaled (the canvas is drawn smaller on narrow screens). */
function pointOf(event) {
  const box = canvas.getBoundingClientRect();
  return {
    x: (event.clientX - box.left - canvas.clientLeft) * (canvas.width / canvas.clientWidth),
    y: (event.clientY - box.top - canvas.clientTop) * (canvas.height / canvas.clientHeight),
  };
}

// One line segment per pointer event, from the last point to this one.
function segment(to) {
  pen.strokeStyle = 'black';
  pen.lineWidth = 25;
  pen.lineCap = 'round';
  pen.lineJoin = 'round';
  pen.beginPath();
  pen.moveTo(last.x, last.y);
  pen.lineTo(to.x, to.y);
  pen.stroke();
  last = to;
  inked = true;
}

canvas.addEventListener('pointerdown', event => {
  if (event.button !== 0) return;
  canvas.setPointerCapture(event.pointerId);
  last = pointOf(event);
  segment(last);
});
canvas.addEventListener('pointermove', event => {
  if (last !== null) segment(pointOf(event));
});
const lift = () => { last = null; };
canvas.addEventListener('pointerup', lift);
canvas.addEventListener('pointercancel', lift);

/**
 * What the network reads, prepared as the original frontend does: colours inverted (white ink on black), the
 * canvas halved three times (280 -> 140 -> 70 -> 35) so each step averages its pixels, then 28x28, as a PNG data URL.
 */
function modelInput() {
  const source = pen.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < source.data.length; i += 4) {
    source.data[i] = 255 - source.data[i];
    source.data[i + 1] = 255 - source.data[i + 1];
    source.data[i + 2] = 255 - source.data[i + 2];
  }
  let step = document.createElement('canvas');
  step.width = canvas.width;
  step.height = canvas.height;
  step.getContext('2d').putImageData(source, 0, 0);
  for (const side of [140, 70, 35, 28]) {
    const next = document.createElement('canvas');
    next.width = side;
    next.height = side;
    const context = next.getContext('2d');
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(step, 0, 0, side, side);
    step = next;
  }
  return step.toDataURL('image/png');
}

// ---- Prediction and the ten probabilities ----

function showPrediction(answer) {
  predicted = answer;
  byId('prediction').textContent = answer ? String(answer.prediction) : '';
  byId('confidence').textContent = answer ? `${answer.confidence.toFixed(2)}% sure` : '';
  byId('predict-error').textContent = '';
  byId('feedback').hidden = !answer;
  byId('feedback-status').textContent = '';
  byId('confirm-digit').textContent = answer ? String(answer.prediction) : '';
  byId('result').dataset.state = answer ? 'done' : 'idle';
  drawProbabilities(answer ? answer.probabilities : null);
}

/** Ten bars, one per digit, 0-100 %, the predicted one darker. */
function drawProbabilities(probabilities) {
  const svg = byId('probabilities');
  clearChart(svg);
  const top = 20;
  const bottom = 130;
  const width = 300 / 10;
  svg.append(svgElement('line', { class: 'axis', x1: 0, y1: bottom, x2: 300, y2: bottom }));
  const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  for (let digit = 0; digit < 10; digit++) {
    const x = digit * width;
    svg.append(svgElement('text', { x: x + width / 2, y: 145, 'text-anchor': 'middle' }, String(digit)));
    if (!probabilities) continue;
    const value = probabilities[digit];
    const height = Math.max((bottom - top) * value / 100, value > 0 ? 1 : 0);
    const bar = svgElement('rect', {
      class: digit === best ? 'bar top' : 'bar', x: x + 5, y: bottom - height, width: width - 10, height,
      'data-digit': digit, 'data-value': value,
    });
    bar.append(svgElement('title', {}, `${digit}: ${value.toFixed(2)}%`));
    svg.append(bar);
    if (value >= 1) {
      svg.append(svgElement('text', { x: x + width / 2, y: bottom - height - 4, 'text-anchor': 'middle' }, value.toFixed(0)));
    }
  }
}

async function predict() {
  if (!inked) {
    byId('predict-error').textContent = 'Draw a digit first.';
    return;
  }
  const result = byId('result');
  result.dataset.state = 'pending';
  byId('predict-error').textContent = '';
  const drawing = modelInput();
  try {
    const response = await fetch(api('drawing/'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ drawing }),
    });
    if (!response.ok) {
      throw new Error(response.status === 503 ? `Model missing: ${await problemOf(response)}` : await problemOf(response));
    }
    sentDrawing = drawing;
    showPrediction(await response.json());
  } catch (error) {
    showPrediction(null);
    byId('predict-error').textContent = `The prediction failed: ${error.message}`;
    result.dataset.state = 'failed';
  }
}

// ---- Corrections: the true digit of the drawing just predicted ----

async function sendLabel(label) {
  const status = byId('feedback-status');
  const buttons = byId('feedback').querySelectorAll('button');
  buttons.forEach(button => { button.disabled = true; });
  status.textContent = 'Sending…';
  try {
    const response = await fetch(api('feedback/'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ drawing: sentDrawing, label }),
    });
    if (response.status === 429) {
      const wait = response.headers.get('Retry-After');
      throw new Error(`${await problemOf(response)}${wait ? ` Try again in ${wait} s.` : ''}`);
    }
    if (!response.ok) {
      throw new Error(await problemOf(response));
    }
    const saved = await response.json();
    const kept = saved.held_out ? 'kept aside to test new models' : 'kept for training';
    status.textContent = response.status === 201
      ? `Thank you: saved as a ${label}, ${kept}.`
      : `This drawing was already saved (${kept}).`;
    byId('feedback').hidden = true;
    byId('result').dataset.feedback = 'sent';
    await showCorrections();
  } catch (error) {
    status.textContent = `Not saved: ${error.message}`;
    byId('result').dataset.feedback = 'failed';
  } finally {
    buttons.forEach(button => { button.disabled = false; });
  }
}

async function showCorrections() {
  try {
    const response = await fetch(api('feedback/count/'));
    if (!response.ok) throw new Error(await problemOf(response));
    const count = await response.json();
    byId('corrections').textContent = `${count.total} (${count.training} for training, ${count.held_out} held out)`;
    byId('corrections').dataset.total = String(count.total);
  } catch (error) {
    byId('corrections').textContent = `unknown (${error.message})`;
  }
}

// ---- Training: start, stop, and a live chart of the progress stream ----

let run = null;
let stream = null;

/** The chart: x is the run's progress in epochs, y is percent. */
function drawTrainingChart() {
  const svg = byId('train-chart');
  clearChart(svg);
  const left = 34;
  const right = 312;
  const top = 10;
  const bottom = 140;
  const epochs = run ? Math.max(run.maxEpochs, 1) : 1;
  const x = at => left + (right - left) * at / epochs;
  const y = value => bottom - (bottom - top) * value / 100;
  for (const value of [0, 50, 100]) {
    svg.append(svgElement('line', { class: 'axis', x1: left, y1: y(value), x2: right, y2: y(value) }));
    svg.append(svgElement('text', { x: left - 4, y: y(value) + 4, 'text-anchor': 'end' }, `${value}%`));
  }
  for (let epoch = 0; epoch <= epochs; epoch++) {
    svg.append(svgElement('text', { x: x(epoch), y: bottom + 16, 'text-anchor': 'middle' }, String(epoch)));
  }
  svg.append(svgElement('text', { x: (left + right) / 2, y: bottom + 29, 'text-anchor': 'middle' }, 'epochs'));
  if (!run) {
    svg.dataset.points = '0';
    return;
  }
  if (run.progress.length > 0) {
    const points = run.progress.map(p => `${x(p.epoch + p.percentage / 100).toFixed(1)},${y(p.percentage).toFixed(1)}`);
    svg.append(svgElement('polyline', { class: 'progress-line', points: points.join(' ') }));
  }
  for (const [epoch, accuracy] of run.accuracies) {
    const dot = svgElement('circle', { class: 'accuracy', cx: x(epoch), cy: y(accuracy), r: 4, 'data-epoch': epoch });
    dot.append(svgElement('title', {}, `Epoch ${epoch}: training accuracy ${accuracy.toFixed(2)}%`));
    svg.append(dot);
  }
  svg.dataset.points = String(run.progress.length);
  svg.dataset.accuracies = String(run.accuracies.size);
}

function showTrainingState(state, text) {
  byId('training').dataset.state = state;
  byId('train-status').textContent = text;
}

function onProgress(progress) {
  if (!run) run = { id: null, maxEpochs: progress.max_epochs, progress: [], accuracies: new Map() };
  run.maxEpochs = progress.max_epochs;
  const epoch = progress.epoch || 0;
  // Each epoch's percentage restarts at 0; after the last one it stays at 100.
  const current = Math.min(epoch + 1, run.maxEpochs);
  const percentage = epoch >= run.maxEpochs ? 100 : progress.percentage;
  run.progress.push({ epoch: Math.min(epoch, run.maxEpochs - 1), percentage: epoch >= run.maxEpochs ? 100 : percentage });
  if (epoch > 0 && progress.accuracy !== undefined) {
    run.accuracies.set(epoch, Number(progress.accuracy));
  }
  byId('epoch-progress').value = percentage;
  const accuracy = progress.accuracy === undefined ? '' : `; training accuracy of epoch ${epoch}: ${progress.accuracy}%`;
  const stale = progress.stale ? ' (training state unreachable: last known progress)' : '';
  showTrainingState('running', `Training epoch ${current} of ${run.maxEpochs}: ${percentage.toFixed(1)}%${accuracy}${stale}`);
  drawTrainingChart();
}

async function onClose(reason) {
  showTrainingState(reason, `Run ${reason}.`);
  byId('train-outcome').textContent = await outcomeOf(reason);
  byId('training').dataset.outcome = reason;
  await Promise.all([showServedModel(), showVersions()]);
}

/** The run's own message (why a model was not served, for instance), from its status document. */
async function outcomeOf(reason) {
  const fallback = { completed: 'The run completed.', interrupted: 'The run was stopped.', error: 'The run failed.' }[reason] || `The run ended: ${reason}.`;
  if (!run || !run.id) return fallback;
  try {
    const response = await fetch(api(`runs/${encodeURIComponent(run.id)}/`));
    if (!response.ok) return `${fallback} (${await problemOf(response)})`;
    const status = await response.json();
    return status.output && status.output.message ? `${fallback} ${status.output.message}` : fallback;
  } catch (error) {
    return `${fallback} (${error.message})`;
  }
}

function followProgress() {
  if (stream) stream.close();
  const source = new EventSource(api('progress/'));
  stream = source;
  source.onmessage = message => {
    const data = JSON.parse(message.data);
    if (data.event === 'close') {
      source.close();
      stream = null;
      onClose(data.reason);
      return;
    }
    onProgress(data);
  };
  source.onerror = () => {
    // The browser reconnects by itself unless the stream is closed for good.
    if (source.readyState === EventSource.CLOSED) {
      stream = null;
      byId('train-error').textContent = 'The progress stream failed; reload the page to follow the run again.';
    }
  };
}

async function startTraining() {
  byId('train-error').textContent = '';
  byId('train-outcome').textContent = '';
  delete byId('training').dataset.outcome;
  try {
    const response = await fetch(api('retrain_model/'), { method: 'POST' });
    if (response.status === 409) {
      // A run is active already (maybe started elsewhere): follow that one.
      byId('train-error').textContent = await problemOf(response);
      run = null;
      followProgress();
      return;
    }
    if (response.status !== 202) {
      throw new Error(await problemOf(response));
    }
    const started = await response.json();
    run = { id: started.id, maxEpochs: 1, progress: [], accuracies: new Map() };
    byId('epoch-progress').value = 0;
    showTrainingState('starting', 'Training started.');
    drawTrainingChart();
    followProgress();
  } catch (error) {
    byId('train-error').textContent = `Training did not start: ${error.message}`;
  }
}

async function stopTraining() {
  byId('train-error').textContent = '';
  try {
    const response = await fetch(api('stop_training/'), { method: 'POST' });
    if (!response.ok) throw new Error(await problemOf(response));
    byId('train-status').textContent = (await response.json()).message;
  } catch (error) {
    byId('train-error').textContent = `Stopping failed: ${error.message}`;
  }
}

// ---- Models: the served one and every stored version ----

async function showServedModel() {
  try {
    const response = await fetch(api('model_accuracy/'));
    if (!response.ok) throw new Error(await problemOf(response));
    const accuracy = await response.json();
    byId('served-accuracy').textContent = percent(accuracy.accuracy);
    byId('served-drawings').textContent = percent(accuracy.drawings_accuracy);
  } catch (error) {
    byId('models-error').textContent = `The served model's accuracy is unknown: ${error.message}`;
  }
}

async function showVersions() {
  try {
    const response = await fetch(api('model_versions/'));
    if (!response.ok) throw new Error(await problemOf(response));
    const models = await response.json();
    byId('served-version').textContent = models.served || 'none';
    const rows = [...models.versions].reverse().map(version => {
      const row = document.createElement('tr');
      row.dataset.version = version.version;
      if (version.served) row.className = 'served';
      const cells = [
        [version.version, ''],
        [version.origin || '–', ''],
        [new Date(version.publishedAt).toLocaleString(), ''],
        [percent(version.accuracy), 'number accuracy'],
        [percent(version.drawingsAccuracy), 'number drawings-accuracy'],
        [version.served ? 'served' : '', 'served-mark'],
      ];
      for (const [text, className] of cells) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (className) cell.className = className;
        row.append(cell);
      }
      return row;
    });
    byId('versions').tBodies[0].replaceChildren(...rows);
    byId('models-error').textContent = '';
  } catch (error) {
    byId('models-error').textContent = `The model versions could not be read: ${error.message}`;
  }
}

// ---- Start ----

byId('predict').addEventListener('click', predict);
byId('clear').addEventListener('click', clearCanvas);
byId('confirm').addEventListener('click', () => sendLabel(predicted.prediction));
byId('digits').addEventListener('click', event => {
  const button = event.target.closest('button[data-label]');
  if (button) sendLabel(Number(button.dataset.label));
});
byId('train').addEventListener('click', startTraining);
byId('stop').addEventListener('click', stopTraining);

clearCanvas();
drawTrainingChart();
showCorrections();
showServedModel();
showVersions();
// A run already under way (started here earlier, or elsewhere) is followed at once.
fetch(api('check_model_status/'))
  .then(response => (response.ok ? response.json() : null))
  .then(status => {
    if (status && status.model_status === 'in_progress') followProgress();
  })
  .catch(() => {});
document.body.dataset.ready = 'true';
