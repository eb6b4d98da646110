// corsspec browser runner: runs the CORS cases the page server hands out and posts what
// happened back to it (see docs/case-format.md and tests/browser/server.py).
//
// Protocol with the page server (same origin as this page):
//   GET  /cases.json -> {run, pool, stepTimeoutMs, phases: [[{index, id, steps: [{after, request}]}]]}
//   POST /result     <- {run, index, step, result: {outcome, status, type, headers, debug}}
//   POST /log        <- {run, text}        (harness problems, for the Python side's report)
//   POST /done       <- {run}
// Each result post is awaited before the next step of that case starts: the server uses it
// as the boundary between the requests of consecutive steps.
"use strict";

const statusEl = document.getElementById("status");
let RUN = null;

function post(path, message) {
  // text/plain keeps this a plain same-origin POST; retried once on a transient failure.
  const send = () => fetch(path, {method: "POST", body: JSON.stringify(message), cache: "no-store"});
  return send().catch(() => send());
}

function log(text) {
  return post("/log", {run: RUN, text: String(text)}).catch(() => {});
}

function uniqueSorted(names) {
  return [...new Set(names.map((n) => n.toLowerCase()))].sort();
}

function errorText(e) {
  return e && e.name ? `${e.name}: ${e.message}` : String(e);
}

// A synchronous TypeError/DOMException before any request was made.
function scriptError(e) {
  return {outcome: "script-error", status: null, type: null, headers: null, debug: errorText(e)};
}

function networkError(e) {
  return {outcome: "network-error", status: null, type: null, headers: null, debug: errorText(e)};
}

function timeoutResult(ms) {
  return {outcome: "timeout", status: null, type: null, headers: null,
          debug: `harness: no answer within ${ms} ms`};
}

// BODY kinds of docs/case-format.md, built exactly as page script would.
function makeBody(body) {
  switch (body.kind) {
    case "text":
      return body.value;
    case "url-search-params":
      return new URLSearchParams(body.value);
    case "form-data": {
      const fd = new FormData();
      for (const [name, value] of body.fields) fd.append(name, value);
      return fd;
    }
    case "blob":
      return new Blob([body.value], body.type === undefined ? {} : {type: body.type});
    case "bytes":
      return new TextEncoder().encode(body.value);
    case "stream": {
      const bytes = new TextEncoder().encode(body.value);
      return new ReadableStream({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
    }
    default:
      throw new Error(`harness: unknown body kind ${body.kind}`);
  }
}

async function runFetch(req, timeoutMs) {
  const controller = new AbortController();
  const init = {
    method: req.method,
    headers: req.headers,            // sequence of pairs = append in order, duplicates kept
    mode: req.mode,
    credentials: req.credentials,
    redirect: req.redirect,
    signal: controller.signal,
  };
  let request;
  try {
    if (req.body !== null) {
      init.body = makeBody(req.body);
      if (req.body.kind === "stream") init.duplex = "half";
    }
    // fetch() never throws synchronously: it turns argument errors into a rejected
    // promise. Building the Request first (which is what fetch(url, init) does internally)
    // surfaces them synchronously, so they can be told apart from network errors.
    request = new Request(req.url, init);
  } catch (e) {
    return scriptError(e);
  }
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  try {
    let response;
    try {
      response = await fetch(request);
    } catch (e) {
      if (timedOut) return timeoutResult(timeoutMs);
      // Fetch turns every network error into a TypeError. A rejection of any other kind
      // is the API refusing the request before making it (WebKit rejects stream uploads
      // with NotSupportedError), which is a script error, not a network error.
      return e instanceof TypeError ? networkError(e) : scriptError(e);
    }
    const result = {
      outcome: "ok",
      status: response.status,
      type: response.type,
      headers: uniqueSorted([...response.headers.keys()]),
      debug: null,
    };
    try {
      await response.arrayBuffer();   // drain, so the connection is free for the next request
    } catch (e) {
      // The response was delivered; only its body broke (e.g. a scripted Content-Length
      // larger than the body). Kept as "ok", the failure is noted for the report.
      result.debug = timedOut ? `harness: body read timed out` : `body: ${errorText(e)}`;
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

function parseXhrHeaderNames(all) {
  const names = [];
  for (const line of all.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) names.push(line.slice(0, colon).trim());
  }
  return uniqueSorted(names);
}

function runXhr(req, timeoutMs) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    try {
      xhr.open(req.method, req.url, true);
      for (const [name, value] of req.headers) xhr.setRequestHeader(name, value);
      xhr.withCredentials = req.credentials === "include";
      // An upload listener registered before send() sets the use-CORS-preflight flag.
      if (req.upload_listener) xhr.upload.addEventListener("progress", () => {});
      xhr.timeout = timeoutMs;
      xhr.addEventListener("load", () => resolve({
        outcome: "ok",
        status: xhr.status,
        type: null,
        headers: parseXhrHeaderNames(xhr.getAllResponseHeaders()),
        debug: null,
      }));
      xhr.addEventListener("error", () => resolve(networkError("xhr error event")));
      xhr.addEventListener("timeout", () => resolve(timeoutResult(timeoutMs)));
      xhr.addEventListener("abort", () => resolve(networkError("xhr abort event")));
      xhr.send(req.body === null ? null : makeBody(req.body));
    } catch (e) {
      resolve(scriptError(e));
    }
  });
}

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function runStep(step, timeoutMs) {
  try {
    return step.request.api === "xhr"
      ? await runXhr(step.request, timeoutMs)
      : await runFetch(step.request, timeoutMs);
  } catch (e) {
    return {outcome: "harness-error", status: null, type: null, headers: null,
            debug: `harness: ${errorText(e)}`};
  }
}

async function runCase(kase, timeoutMs) {
  for (let i = 0; i < kase.steps.length; i++) {
    const step = kase.steps[i];
    if (step.after > 0) await sleep(step.after);
    const result = await runStep(step, timeoutMs);
    await post("/result", {run: RUN, index: kase.index, step: i, result});
  }
}

let finished = 0;

// Independent cases run concurrently (config.pool at a time); the steps of one case run
// in order. A phase ends when all its cases have finished.
async function runPhase(cases, config) {
  const queue = cases.slice();
  async function worker() {
    while (queue.length > 0) {
      const kase = queue.shift();
      try {
        await runCase(kase, config.stepTimeoutMs);
      } catch (e) {
        await log(`case ${kase.id}: ${errorText(e)}`);
      }
      finished += 1;
      statusEl.textContent = `${finished} cases done`;
    }
  }
  await Promise.all(Array.from({length: config.pool}, worker));
}

async function main() {
  const config = await (await fetch("/cases.json", {cache: "no-store"})).json();
  RUN = config.run;
  // Warm up every origin (see server.py page_config) and let the browser settle.
  for (const url of config.warmup || []) {
    try { await fetch(url, {mode: "no-cors", cache: "no-store"}); } catch (e) { /* ignored */ }
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const phase of config.phases) await runPhase(phase, config);
  statusEl.textContent = "done";
  await post("/done", {run: RUN});
}

main().catch((e) => {
  statusEl.textContent = `failed: ${errorText(e)}`;
  log(`runner failed: ${errorText(e)}`).then(() => post("/done", {run: RUN}));
});
