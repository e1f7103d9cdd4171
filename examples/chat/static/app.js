// The chat page. `io.socket` comes from /sailroute.js (the sails.io.js API); its typed methods
// (joinRoom, postMessage, …) are generated from the server's routes by sailroute-codegen.
(function () {
  "use strict";
  var socket = io.socket;
  var $ = function (id) { return document.getElementById(id); };
  var state = { me: null, room: null, messages: new Map() };

  // Connection status: the typed API reports it; after a reconnect it re-joins the room by
  // itself (joinRoom is a subscribing route), so messages keep arriving without a reload.
  function showStatus(s) {
    var label = { connected: "connected", connecting: "connecting…", disconnected: "reconnecting…" }[s] || s;
    $("status").textContent = label;
    $("status").className = "status " + s;
  }
  showStatus(socket.api.connectionState());
  socket.api.onConnectionState(showStatus);

  function time(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function notice(text) {
    var li = el("li", "notice", text);
    $("messages").appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  function renderMessage(m) {
    var li = document.getElementById("m" + m.id) || el("li");
    li.id = "m" + m.id;
    li.className = "message" + (m.user === state.me ? " mine" : "");
    li.dataset.id = m.id;
    li.replaceChildren();
    var meta = el("div", "meta");
    meta.append(el("span", "who", m.user), el("time", "", time(m.at)));
    if (m.edited) meta.append(el("span", "edited", "edited"));
    if (m.user === state.me) {
      var actions = el("span", "actions");
      var edit = el("button", "edit", "edit");
      edit.type = "button";
      edit.onclick = function () {
        var text = prompt("Edit your message", m.text);
        if (text && text.trim()) socket.editMessage(m.id, { text: text }).then(store).catch(report);
      };
      var del = el("button", "delete", "delete");
      del.type = "button";
      del.onclick = function () { socket.deleteMessage(m.id).then(function () { forget(m.id); }).catch(report); };
      actions.append(edit, del);
      meta.append(actions);
    }
    var reactions = el("div", "reactions");
    var counts = {};
    m.reactions.forEach(function (r) { counts[r.emoji] = (counts[r.emoji] || 0) + 1; });
    ["👍", "❤️", "😂"].concat(Object.keys(counts)).filter(function (e, i, all) { return all.indexOf(e) === i; }).forEach(function (emoji) {
      var mine = m.reactions.find(function (r) { return r.emoji === emoji && r.user === state.me; });
      var b = el("button", "", emoji + (counts[emoji] ? " " + counts[emoji] : ""));
      b.type = "button";
      b.title = mine ? "take back" : "react";
      b.onclick = function () {
        var call = mine ? socket.unreact(m.id, mine.id) : socket.react(m.id, { emoji: emoji });
        call.then(function (r) {
          if (mine) m.reactions = m.reactions.filter(function (x) { return x.id !== mine.id; });
          else m.reactions.push(r);
          store(m);
        }).catch(report);
      };
      reactions.append(b);
    });
    li.append(meta, el("div", "text", m.text), reactions);
    if (!li.parentNode) {
      $("messages").appendChild(li);
      li.scrollIntoView({ block: "end" });
    }
  }

  function store(m) {
    state.messages.set(m.id, m);
    renderMessage(m);
  }

  function forget(id) {
    state.messages.delete(id);
    var li = document.getElementById("m" + id);
    if (li) li.remove();
  }

  function report(error) {
    var body = error && error.body;
    notice((body && (body.message || body.code)) || (error && error.message) || String(error));
  }

  function showOnline(users) {
    $("online").replaceChildren.apply($("online"), users.map(function (u) { return el("li", "", u); }));
  }

  function refreshRooms() {
    socket.listRooms().then(function (rooms) {
      var names = rooms.map(function (r) { return r.name; });
      if (state.room && names.indexOf(state.room) < 0) names.push(state.room);
      $("rooms").replaceChildren.apply($("rooms"), names.sort().map(function (name) {
        var li = el("li", name === state.room ? "current" : "");
        var a = el("a", "", "#" + name);
        a.href = "#" + name;
        li.append(a);
        return li;
      }));
    }).catch(function () {});
  }

  function join(room) {
    var previous = state.room;
    var leaving = previous && previous !== room ? socket.leaveRoom(previous).catch(function () {}) : Promise.resolve();
    return leaving.then(function () {
      return socket.joinRoom(room, { user: state.me });
    }).then(function (joined) {
      state.room = joined.room;
      state.messages.clear();
      $("messages").replaceChildren();
      $("room-title").textContent = "#" + joined.room;
      joined.history.forEach(store);
      showOnline(joined.users);
      $("join").hidden = true;
      $("chat").hidden = false;
      $("text").focus();
      if (location.hash.slice(1) !== joined.room) history.replaceState(null, "", "#" + joined.room);
      refreshRooms();
    }).catch(report);
  }

  // Pushes from the server.
  socket.on("chat:message", function (posted) {
    if (posted.message.room === state.room) store(posted.message);
  });
  socket.on("presence", function (presence) {
    if (presence.room === state.room) showOnline(presence.users);
    refreshRooms();
  });
  socket.on("message", function (event) {
    var m = state.messages.get(event.id);
    if (event.verb === "updated" && m) store(Object.assign({}, m, event.data));
    else if (event.verb === "destroyed") forget(event.id);
    else if (event.verb === "addedTo" && m) { m.reactions.push(event.added); store(m); }
    else if (event.verb === "removedFrom" && m) {
      m.reactions = m.reactions.filter(function (r) { return r.id !== event.removedId; });
      store(m);
    }
  });

  $("join").addEventListener("submit", function (e) {
    e.preventDefault();
    state.me = $("name").value.trim();
    join($("room").value.trim());
  });
  $("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("text").value;
    if (!text.trim()) return;
    $("text").value = "";
    socket.postMessage(state.room, { text: text }).then(store).catch(report);
  });
  window.addEventListener("hashchange", function () {
    var room = location.hash.slice(1);
    if (state.me && room && room !== state.room) join(room);
  });

  // The name is kept in the browser's session (joining a room stores it), over the socket.
  socket.profile().then(function (profile) {
    if (profile.user && !$("name").value) $("name").value = profile.user;
  }).catch(report);
  if (location.hash.length > 1) $("room").value = decodeURIComponent(location.hash.slice(1));
})();
