// A stand-in for the frontend in use, written for the browser tests: the same requests, the same image
// preparation, the same reading of the progress stream. The API base comes from ?api=http://host:port.
'use strict';

const api = new URLSearchParams(location.search).get('api');
const canvas = document.getElementById('canvas');
const pen = canvas.getContext('2d');
const byId = id => document.getElementById(id);

// What the tests read besides the DOM.
window.digitPage = { events: [], beaconQueued: null };
let training = false;

// ---- Drawing: black ink on a white 280x280 canvas ----

function clearCanvas() {
  pen.fillStyle = 'white';
  pen.fillRect(0, 0, canvas.width, canvas.height);
  byId('prediction').textContent = '';
  byId('confidence').textContent = '';
  byId('error').textContent = '';
  byId('result').dataset.state = 'idle';
}

function pointOf(event) {
  const box = canvas.getBoundingClientRect();
  return { x: event.clientX - box.left, y: event.clientY - box.top };
}

let inking = false;
canvas.addEventListener('mousedown', event => {
  inking = true;
  const { x, y } = pointOf(event);
  pen.strokeStyle = 'black';
  pen.lineWidth = 18;
  pen.lineCap = 'round';
  pen.lineJoin = 'round';
  pen.beginPath();
  pen.moveTo(x, y);
  pen.lineTo(x, y);
  pen.stroke();
});
canvas.addEventListener('mousemove', event => {
  if (!inking) return;
  const { x, y } = pointOf(event);
  pen.lineTo(x, y);
  pen.stroke();
});
window.addEventListener('mouseup', () => { inking = false; });

// Halve three times with smoothing (280 -> 140 -> 70 -> 35), then 28x28, then invert to white on black.
function modelInput() {
  let source = canvas;
  for (const side of [140, 70, 35, 28]) {
    const next = document.createElement('canvas');
    next.width = side;
    next.height = side;
    const context = next.getContext('2d');
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(source, 0, 0, side, side);
    source = next;
  }
  const context = source.getContext('2d');
  const image = context.getImageData(0, 0, source.width, source.height);
  for (let i = 0; i < image.data.length; i += 4) {
    image.data[i] = 255 - image.data[i];
    image.data[i + 1] = 255 - image.data[i + 1];
    image.data[i + 2] = 255 - image.data[i + 2];
    image.data[i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return source.toDataURL('image/png');
}

async function predict() {
  const result = byId('result');
  result.dataset.state = 'pending';
  byId('error').textContent = '';
  const drawing = modelInput();
  byId('sent').src = drawing;
  try {
    const response = await fetch(`${api}/api/drawing/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ drawing }),
    });
    if (response.status === 503) {
      throw new Error('Model missing');
    }
    const body = await response.json();
    if (!response.ok) {
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    byId('prediction').textContent = String(body.prediction);
    byId('confidence').textContent = `${body.confidence.toFixed(2)}%`;
    result.dataset.state = 'done';
  } catch (error) {
    byId('error').textContent = `Prediction failed: ${error.message}`;
    result.dataset.state = 'failed';
  }
}

// ---- Training: start, follow the progress stream to its close event, stop with a beacon ----

function showStatus(status) {
  byId('status').textContent = status;
}

async function followStatus() {
  const response = await fetch(`${api}/api/check_model_status/`);
  showStatus((await response.json()).model_status);
}

async function showAccuracy() {
  const response = await fetch(`${api}/api/model_accuracy/`);
  const { accuracy } = await response.json();
  byId('accuracy').textContent = accuracy === null ? 'unknown' : `${(accuracy * 100).toFixed(2)}%`;
}

function followProgress() {
  const source = new EventSource(`${api}/api/progress/`);
  let watchdog;
  const giveUp = message => {
    source.close();
    byId('error').textContent = message;
    showStatus('error');
  };
  const rearm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => giveUp('No progress for 5 seconds.'), 5000);
  };
  rearm();
  source.onmessage = async message => {
    const data = JSON.parse(message.data);
    window.digitPage.events.push(data);
    const item = document.createElement('li');
    item.textContent = message.data;
    byId('events').append(item);
    if (data.event === 'close') {
      training = false;
      source.close();
      clearTimeout(watchdog);
      if (data.reason === 'completed') {
        await showAccuracy();
      }
      await followStatus();
      return;
    }
    rearm();
    const epochs = `epoch ${data.epoch ?? 0} of ${data.max_epochs}`;
    const accuracy = data.accuracy === undefined ? '' : `, training accuracy ${data.accuracy}%`;
    byId('progress').textContent = `${data.percentage}% (${epochs}${accuracy})`;
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      clearTimeout(watchdog);
      giveUp('The progress stream failed.');
    }
  };
}

async function train() {
  window.digitPage.events = [];
  byId('events').replaceChildren();
  byId('accuracy').textContent = '';
  byId('progress').textContent = '';
  byId('error').textContent = '';
  try {
    const response = await fetch(`${api}/api/retrain_model/`, { method: 'POST' });
    const body = await response.json();
    if (response.status !== 202) {
      throw new Error(body.message);
    }
    training = true;
    showStatus('in_progress');
    followProgress();
  } catch (error) {
    byId('error').textContent = `Training failed to start: ${error.message}`;
  }
}

// The frontend in use stops a run with a beacon (text/plain, no answer read), also when the page goes away.
function stopTraining() {
  window.digitPage.beaconQueued = navigator.sendBeacon(`${api}/api/stop_training/`, 'stop');
}
window.addEventListener('pagehide', () => {
  if (training) {
    stopTraining();
  }
});

byId('predict').addEventListener('click', predict);
byId('clear').addEventListener('click', clearCanvas);
byId('train').addEventListener('click', train);
byId('stop').addEventListener('click', stopTraining);
clearCanvas();
