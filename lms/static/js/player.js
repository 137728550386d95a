// The video player's enhancements (progressive: the native controls work without them).
// - Visible buttons that expose their state with aria-pressed: play, captions; and full screen.
// - Keyboard shortcuts while the player has focus: Space or K play/pause, Left/Right arrows seek 5 s
//   (instead of the browser's small step), C captions on/off, F full screen. Space belongs to the
//   native controls first: it is only handled here when the focused native control did nothing with
//   it, so a focused mute button still mutes; Up/Down stay the browser's (volume).
// - Progress: the segments actually played are sent to the server (see track() below), which decides
//   completion (90 % of the film really watched); the page shows "Vu : 42 %" and resumes where the
//   learner stopped.
(function () {
  "use strict";

  var SEEK_SECONDS = 5;

  function captionTracks(video) {
    return Array.prototype.filter.call(video.textTracks, function (track) {
      return track.kind === "captions" || track.kind === "subtitles";
    });
  }

  function captionsShowing(video) {
    return captionTracks(video).some(function (track) { return track.mode === "showing"; });
  }

  function setup(video) {
    var figure = video.closest(".player");
    if (!figure) { return; }
    var controls = figure.querySelector("[data-player-controls]");
    var shortcuts = figure.querySelector("[data-player-shortcuts]");
    var playButton = controls.querySelector('[data-action="play"]');
    var captionsButton = controls.querySelector('[data-action="captions"]');
    var fullscreenButton = controls.querySelector('[data-action="fullscreen"]');
    var lastTrack = null;

    function preferredTrack() {
      var tracks = captionTracks(video);
      if (lastTrack && tracks.indexOf(lastTrack) !== -1) { return lastTrack; }
      var lang = (document.documentElement.lang || "fr").slice(0, 2);
      return tracks.filter(function (t) { return t.language === lang; })[0] ||
             tracks.filter(function (t) { return t.language === "fr"; })[0] || tracks[0] || null;
    }

    function togglePlay() {
      if (video.paused || video.ended) {
        var started = video.play();
        if (started && started.catch) { started.catch(function () { sync(); }); }
      } else {
        video.pause();
      }
    }

    function toggleCaptions() {
      if (captionsShowing(video)) {
        captionTracks(video).forEach(function (track) {
          if (track.mode === "showing") { lastTrack = track; track.mode = "hidden"; }
        });
      } else {
        var track = preferredTrack();
        if (track) { track.mode = "showing"; }
      }
      sync();
    }

    function toggleFullscreen() {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else if (video.requestFullscreen) {
        video.requestFullscreen();
      } else if (video.webkitEnterFullscreen) {
        video.webkitEnterFullscreen(); // iOS Safari
      }
    }

    function sync() {
      playButton.setAttribute("aria-pressed", String(!video.paused && !video.ended));
      captionsButton.setAttribute("aria-pressed", String(captionsShowing(video)));
    }

    function seek(delta) {
      var end = isFinite(video.duration) ? video.duration : Infinity;
      video.currentTime = Math.max(0, Math.min(end, video.currentTime + delta));
    }

    // Space: the focused native control acts first (a native button acts on key up); when the key
    // is released and nothing changed, the player was focused without a control that took it.
    var spaceDown = null;

    function snapshot() {
      return {paused: video.paused, time: video.currentTime, volume: video.volume, muted: video.muted};
    }

    function unlessNativeActed(before, action) {
      window.setTimeout(function () {
        var acted = video.paused !== before.paused || video.seeking || video.volume !== before.volume ||
          video.muted !== before.muted || Math.abs(video.currentTime - before.time) > 1;
        if (!acted) { action(); }
      }, 0);
    }

    video.addEventListener("keyup", function (event) {
      if ((event.key === " " || event.key === "Spacebar") && spaceDown) {
        var before = spaceDown;
        spaceDown = null;
        unlessNativeActed(before, togglePlay);
      }
    });

    video.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.altKey || event.metaKey) { return; }
      switch (event.key) {
        case " ":
        case "Spacebar":
          if (!event.repeat) { spaceDown = snapshot(); }
          break;
        case "k":
        case "K":
          event.preventDefault();
          togglePlay();
          break;
        case "ArrowLeft":
          event.preventDefault();
          seek(-SEEK_SECONDS);
          break;
        case "ArrowRight":
          event.preventDefault();
          seek(SEEK_SECONDS);
          break;
        case "c":
        case "C":
          event.preventDefault();
          toggleCaptions();
          break;
        case "f":
        case "F":
          event.preventDefault();
          toggleFullscreen();
          break;
        default:
          return;
      }
    });

    playButton.addEventListener("click", togglePlay);
    captionsButton.addEventListener("click", toggleCaptions);
    if (document.fullscreenEnabled || video.webkitEnterFullscreen) {
      fullscreenButton.addEventListener("click", toggleFullscreen);
    } else {
      fullscreenButton.hidden = true;
    }
    ["play", "pause", "ended", "playing"].forEach(function (name) { video.addEventListener(name, sync); });
    video.textTracks.addEventListener("change", sync);
    video.textTracks.addEventListener("addtrack", sync);
    controls.hidden = false;
    if (shortcuts) { shortcuts.hidden = false; }
    sync();
  }

  // -- progress beacons ---------------------------------------------------------------------------
  // Segments [start_s, end_s] of the film played continuously: timeupdate extends the current one,
  // a seek closes it (so seeking forward never adds coverage). Every ~10 s while playing, and on
  // play, pause, seeked, ended and when the page is hidden, the segments not yet acknowledged are
  // POSTed as JSON to the item's progression route; a failed request keeps them for the next one.
  //
  // fetch with keepalive rather than navigator.sendBeacon: sendBeacon cannot set request headers,
  // and Flask-WTF's CSRF protection reads the token from the X-CSRFToken header (keepalive lets the
  // request outlive the page, as sendBeacon would).

  var BEACON_MS = 10000;
  var RESUME_MARGIN_S = 5;   // no resume within the last seconds of the film
  var MAX_SEGMENTS = 150;    // the server takes at most 200 per beacon

  function merge(segments) {
    var sorted = segments.filter(function (s) { return s[1] > s[0]; })
      .sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    sorted.forEach(function (s) {
      var last = out[out.length - 1];
      if (last && s[0] <= last[1]) { last[1] = Math.max(last[1], s[1]); } else { out.push([s[0], s[1]]); }
    });
    return out.slice(-MAX_SEGMENTS);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function track(video) {
    var url = video.getAttribute("data-progress-url");
    var figure = video.closest(".player") || document;
    var seen = figure.querySelector("[data-watch-seen]");
    var done = figure.querySelector("[data-watch-done]");
    var status = figure.querySelector("[data-resume-status]");
    var texts = {
      resume: video.getAttribute("data-text-resume") || "{time}",
      minutes: video.getAttribute("data-text-minutes") || "{m} min {s} s",
      seconds: video.getAttribute("data-text-seconds") || "{s} s",
      seen: video.getAttribute("data-text-seen") || "{percent} %"
    };
    var pending = [];       // closed segments not acknowledged by the server yet
    var current = null;     // the segment being played: [start, last time seen]
    var timer = null;
    var shownPercent = null;
    var resuming = false;   // the seek of the resume itself is no news for the server

    function clock(seconds) {
      var total = Math.floor(seconds), m = Math.floor(total / 60), s = total % 60;
      return m > 0 ? fill(texts.minutes, {m: m, s: s < 10 ? "0" + s : s}) : fill(texts.seconds, {s: s});  // lms.core.durations
    }

    function resume() {
      var at = parseFloat(video.getAttribute("data-resume-s") || "0");
      if (!(at > 0) || !isFinite(video.duration) || at >= video.duration - RESUME_MARGIN_S) { return; }
      resuming = true;
      video.currentTime = at;
      if (status) { status.textContent = fill(texts.resume, {time: clock(at)}); }
    }

    if (video.readyState >= 1) { resume(); } else { video.addEventListener("loadedmetadata", resume, {once: true}); }

    if (!url) { return; }  // a preview: nothing is recorded
    var token = video.getAttribute("data-csrf-token") || "";

    function startSegment() {
      if (!video.paused && !video.seeking) { current = [video.currentTime, video.currentTime]; }
    }

    function closeSegment(end) {
      if (current) {
        if (typeof end === "number" && end >= current[1] && end - current[1] <= maxStep()) { current[1] = end; }
        if (current[1] > current[0]) { pending.push(current); }
        current = null;
      }
    }

    function maxStep() {  // the most one timeupdate may advance while playback is continuous
      return 1.5 + 1.5 * (video.playbackRate || 1);
    }

    function onTimeUpdate() {
      if (video.seeking || video.paused) { return; }
      var t = video.currentTime;
      if (!current) { current = [t, t]; return; }
      if (t >= current[1] && t - current[1] <= maxStep()) {
        current[1] = t;
      } else {           // a jump the seek events did not announce: start again from here
        closeSegment();
        current = [t, t];
      }
    }

    function show(answer, playing) {
      var percent = Math.floor((answer.watched_ratio || 0) * 100);
      // While the film plays, the polite live region only speaks every 10 %, not every 10 seconds.
      if (seen && (!playing || shownPercent === null || Math.floor(percent / 10) !== Math.floor(shownPercent / 10))) {
        seen.textContent = fill(texts.seen, {percent: percent});
        shownPercent = percent;
      }
      if (done && answer.completed) { done.hidden = false; }
    }

    // One beacon in flight at a time: the server measures each beacon's allowance from the previous
    // one, so a later beacon overtaking an earlier one (an empty "ended" beacon passing the "pause"
    // beacon that carries the last stretch) would shrink the allowance of the one with the data.
    // Leaving the page sends at once (force): there is no later chance.
    var inFlight = false, again = false;

    function settle() {
      inFlight = false;
      if (again) { again = false; send(); }
    }

    function send(force) {
      if (current && current[1] > current[0]) {  // send what was played so far; playback goes on from there
        pending.push([current[0], current[1]]);
        current = [current[1], current[1]];
      }
      if (inFlight && force !== true) { again = true; return; }
      inFlight = true;
      var segments = merge(pending);
      pending = [];
      var body = JSON.stringify({position_s: video.currentTime || 0, watched: segments});
      var playing = !video.paused && !video.ended;
      var request;
      try {
        request = fetch(url, {
          method: "POST", keepalive: true, credentials: "same-origin",
          headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
          body: body
        });
      } catch (error) {
        pending = segments.concat(pending);
        inFlight = false;
        return;
      }
      request.then(function (response) {
        if (response.ok) { return response.json().then(function (answer) { show(answer, playing); }); }
        // 422: the server refused these values for good; anything else (expired session, server
        // error, network): keep the segments for the next beacon.
        if (response.status !== 422) { pending = segments.concat(pending); }
        return null;
      }).catch(function () { pending = segments.concat(pending); }).then(settle, settle);
    }

    function startTimer() {
      if (timer === null) { timer = window.setInterval(function () { send(); }, BEACON_MS); }
    }

    function stopTimer() {
      if (timer !== null) { window.clearInterval(timer); timer = null; }
    }

    video.addEventListener("timeupdate", onTimeUpdate);
    video.addEventListener("playing", function () { if (!current) { startSegment(); } });
    // A beacon at each start: the server measures the next one's allowance from it.
    video.addEventListener("play", function () { send(); startTimer(); });
    video.addEventListener("pause", function () { closeSegment(video.currentTime); stopTimer(); send(); });
    video.addEventListener("ended", function () { closeSegment(video.duration); stopTimer(); send(); });
    video.addEventListener("seeking", function () { closeSegment(); });
    video.addEventListener("seeked", function () {
      startSegment();
      if (resuming) { resuming = false; } else { send(); }
    });
    window.addEventListener("pagehide", function () { closeSegment(video.currentTime); send(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        if (current) { pending.push([current[0], current[1]]); current = video.paused ? null : [current[1], current[1]]; }
        send(true);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("video.player-video"), function (video) {
      setup(video);
      track(video);
    });
  });
}());
