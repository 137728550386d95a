// The video player's enhancements (progressive: the native controls work without them).
// - Visible buttons that expose their state with aria-pressed: play, captions; and full screen.
// - Keyboard shortcuts while the player has focus: Space or K play/pause, Left/Right arrows seek 5 s
//   (instead of the browser's small step), C captions on/off, F full screen. Space belongs to the
//   native controls first: it is only handled here when the focused native control did nothing with
//   it, so a focused mute button still mutes; Up/Down stay the browser's (volume).
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

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("video.player-video"), setup);
  });
}());
