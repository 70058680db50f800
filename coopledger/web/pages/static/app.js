// coopledger pages: the voucher grid (live debit/credit difference naming the line that likely
// causes it, an account picker by code, name or pinyin initials, Enter to the next cell, member
// and fund hints, add line); confirmation before a form marked data-confirm is sent;
// the verification box's fingerprint (SHA-256) of a chosen PDF, computed here: the file is never sent.
// Plain JavaScript, no inline handlers (the Content-Security-Policy allows scripts from 'self' only).
(function () {
  "use strict";

  // An amount as typed: plain (1234.5) or with its thousands separated by commas (8,000.00).
  function fen(text) {
    var t = (text || "").trim();
    if (/^\d{1,3}([,，]\d{3})+(\.\d{0,2})?$/.test(t)) { t = t.replace(/[,，]/g, ""); }
    if (!/^\d{1,13}(\.\d{1,2})?$/.test(t)) { return t === "" ? 0 : NaN; }
    var parts = t.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function show(f) {
    var s = String(Math.abs(f) % 100);
    var yuan = String(Math.floor(Math.abs(f) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (f < 0 ? "-" : "") + yuan + "." + (s.length < 2 ? "0" + s : s);
  }

  // The chart as the page ships it: code, name, pinyin initials (computed on the server) and
  // the subledger each account keeps.
  function options() {
    var list = [];
    var el = document.getElementById("accounts");
    if (!el) { return list; }
    Array.prototype.forEach.call(el.options, function (o) {
      list.push({ code: o.value, sub: o.dataset.sub, name: o.dataset.name || "", zh: o.dataset.zh || "",
                  initials: o.dataset.initials || "", label: o.textContent });
    });
    return list;
  }

  // Accounts matching what was typed: the code's beginning, a part of the name, or the
  // beginning of the pinyin initials (glfy → 管理费用); exact matches first.
  function matches(accounts, typed) {
    var q = (typed || "").trim().toLowerCase();
    if (!q) { return []; }
    var exact = [], rest = [];
    accounts.forEach(function (a) {
      if (a.code === q || a.initials === q || a.zh === typed.trim() || a.name.toLowerCase() === q) { exact.push(a); }
      else if (a.code.indexOf(q) === 0 || a.initials.indexOf(q) === 0 ||
               a.zh.indexOf(typed.trim()) >= 0 || a.name.toLowerCase().indexOf(q) >= 0) { rest.push(a); }
    });
    return exact.concat(rest).slice(0, 12);
  }

  function setup(form) {
    var accounts = options();
    var byCode = {};
    accounts.forEach(function (a) { byCode[a.code] = a; });
    var body = form.querySelector("#lines tbody");
    var table = form.querySelector("#lines");
    var diff = document.getElementById("difference");
    var hint = document.getElementById("difference-hint");
    var box = document.createElement("ul");
    box.id = "account-suggestions";
    box.className = "suggestions";
    box.setAttribute("role", "listbox");
    box.hidden = true;
    var owner = null, active = -1, found = [];

    function said(key, n) { return (table.dataset[key] || "").replace("%(n)s", String(n)); }

    function refresh() {
      var debit = 0, credit = 0, bad = 0, lines = [], empty = 0;
      body.querySelectorAll("tr.line").forEach(function (row, i) {
        var d = fen(row.querySelector("input.debit").value), c = fen(row.querySelector("input.credit").value);
        if (isNaN(d) || isNaN(c)) { bad = bad || i + 1; return; }
        debit += d; credit += c;
        if (d) { lines.push([i + 1, d]); }
        if (c) { lines.push([i + 1, -c]); }
        if (!d && !c && row.querySelector("input.account").value.trim() && !empty) { empty = i + 1; }
      });
      document.getElementById("total-debit").textContent = show(debit);
      document.getElementById("total-credit").textContent = show(credit);
      var d = debit - credit;
      diff.dataset.fen = bad ? "" : String(d);
      var balanced = !bad && d === 0 && debit > 0;
      diff.classList.toggle("balanced", balanced);
      diff.textContent = bad ? "?" : balanced ? diff.dataset.balanced + " 0.00" : diff.dataset.label + " " + show(d);
      // which line, where one line explains the difference
      var why = "";
      if (bad) { why = said("badAmount", bad); }
      else if (d !== 0) {
        var half = lines.filter(function (l) { return 2 * l[1] === d; });
        var same = lines.filter(function (l) { return l[1] === d; });
        if (half.length === 1) { why = said("wrongSide", half[0][0]); }
        else if (same.length === 1) { why = said("oneSided", same[0][0]); }
        else if (empty) { why = said("noAmount", empty); }
      }
      hint.textContent = why;
    }

    function pickers(row) {
      var account = row.querySelector("input.account");
      var found = byCode[(account.value || "").trim().split(" ")[0]];
      var sub = found ? found.sub : undefined;
      var label = row.querySelector(".account-name");
      if (label) { label.textContent = found ? found.label : ""; }
      var member = row.querySelector("input.member");
      var fund = row.querySelector("input.fund");
      member.classList.toggle("needed", sub === "member");
      member.classList.toggle("unused", sub !== undefined && sub !== "member" && !member.value);
      fund.classList.toggle("needed", sub === "fund");
      fund.classList.toggle("unused", sub !== undefined && sub !== "fund" && !fund.value);
    }

    // -- the account picker (a combobox: type, arrows, Enter) --
    function close() {
      box.hidden = true;
      if (owner) { owner.setAttribute("aria-expanded", "false"); owner.removeAttribute("aria-activedescendant"); }
      active = -1;
    }

    function highlight(i) {
      active = i;
      Array.prototype.forEach.call(box.children, function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (owner && i >= 0) { owner.setAttribute("aria-activedescendant", "account-option-" + i); }
    }

    function suggest(input) {
      owner = input;
      found = matches(accounts, input.value);
      box.innerHTML = "";
      found.forEach(function (a, i) {
        var li = document.createElement("li");
        li.id = "account-option-" + i;
        li.setAttribute("role", "option");
        li.dataset.code = a.code;
        li.textContent = a.label + (a.initials ? "  " + a.initials : "");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(input, a); });
        box.appendChild(li);
      });
      input.parentNode.appendChild(box);
      box.hidden = found.length === 0;
      input.setAttribute("aria-expanded", box.hidden ? "false" : "true");
      highlight(found.length ? 0 : -1);
    }

    function choose(input, a) {
      input.value = a.code;
      close();
      pickers(input.closest("tr"));
    }

    // what was typed, taken when it names one account (a code, a name or initials)
    function settle(input) {
      var typed = input.value.trim();
      if (!typed || byCode[typed.split(" ")[0]]) { pickers(input.closest("tr")); return; }
      var exact = accounts.filter(function (a) {
        return a.initials === typed.toLowerCase() || a.zh === typed || a.name.toLowerCase() === typed.toLowerCase();
      });
      var all = matches(accounts, typed);
      if (exact.length === 1) { input.value = exact[0].code; }
      else if (all.length === 1) { input.value = all[0].code; }
      pickers(input.closest("tr"));
    }

    function cells() {
      return Array.prototype.filter.call(form.querySelectorAll("#lines input"), function (i) { return !i.disabled && i.type !== "hidden"; });
    }

    function next(input) {
      var all = cells();
      var i = all.indexOf(input);
      if (i >= 0 && i + 1 < all.length) { all[i + 1].focus(); return; }
      addLine();
    }

    function label(copy, n) {
      copy.querySelectorAll("input").forEach(function (i) {
        i.name = i.name.replace(/^lines-\d+-/, "lines-" + n + "-");
        var l = i.getAttribute("aria-label");
        if (l) { i.setAttribute("aria-label", l.replace(/\d+/, String(n + 1))); }
      });
    }

    function addLine() {
      var rows = body.querySelectorAll("tr.line");
      var copy = rows[rows.length - 1].cloneNode(true);
      var n = rows.length;
      label(copy, n);
      copy.querySelectorAll("input").forEach(function (i) {
        i.value = "";
        i.classList.remove("needed", "unused");
        i.removeAttribute("aria-expanded");
        i.removeAttribute("aria-activedescendant");
      });
      copy.querySelectorAll(".field-error, #account-suggestions").forEach(function (s) { s.remove(); });
      copy.querySelectorAll(".account-name").forEach(function (s) { s.textContent = ""; });
      body.appendChild(copy);
      copy.querySelector("input.account").focus();
    }

    body.querySelectorAll("input.account").forEach(function (i) {
      i.removeAttribute("list");  // the picker below replaces the browser's list
      i.setAttribute("role", "combobox");
      i.setAttribute("aria-autocomplete", "list");
      i.setAttribute("aria-controls", "account-suggestions");
      i.setAttribute("aria-expanded", "false");
    });

    body.addEventListener("input", function (e) {
      if (e.target.classList.contains("amount")) { refresh(); }
      if (e.target.classList.contains("account")) { suggest(e.target); pickers(e.target.closest("tr")); refresh(); }
    });
    body.addEventListener("focusout", function (e) {
      if (e.target.classList.contains("account")) { close(); settle(e.target); refresh(); }
    });
    body.addEventListener("focusin", function (e) {
      if (e.target.classList.contains("account") && !e.target.getAttribute("role")) {
        e.target.removeAttribute("list");
        e.target.setAttribute("role", "combobox");
        e.target.setAttribute("aria-autocomplete", "list");
        e.target.setAttribute("aria-controls", "account-suggestions");
      }
    });

    // Enter moves to the next cell and never sends the form; in the account picker it takes
    // the highlighted account first. Arrows move through the suggestions, Escape closes them.
    form.addEventListener("keydown", function (e) {
      var t = e.target;
      if (t.tagName !== "INPUT" || t.type === "submit") { return; }
      var picking = t.classList.contains("account") && !box.hidden && owner === t;
      if (picking && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        e.preventDefault();
        var n = found.length;
        highlight(((active + (e.key === "ArrowDown" ? 1 : -1)) % n + n) % n);
        return;
      }
      if (picking && e.key === "Escape") { e.preventDefault(); close(); return; }
      if (e.key !== "Enter") { return; }
      e.preventDefault();
      if (picking && active >= 0) { choose(t, found[active]); }
      else if (t.classList.contains("account")) { close(); settle(t); }
      if (t.closest("#lines")) { next(t); refresh(); return; }
      var all = Array.prototype.filter.call(form.querySelectorAll("input"), function (i) { return i.type !== "hidden"; });
      var k = all.indexOf(t);
      if (k + 1 < all.length) { all[k + 1].focus(); }
    });

    body.querySelectorAll("tr.line").forEach(pickers);
    var add = document.getElementById("add-line");
    if (add) { add.addEventListener("click", addLine); }
    refresh();
  }

  // SHA-256 of a byte array (FIPS 180-4), for browsers that withhold crypto.subtle from pages
  // served over plain http on a village network.
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function sha256Hex(bytes) {
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var length = bytes.length;
    var padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length << 3) >>> 0);
    var w = new Array(64);
    function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
    for (var off = 0; off < padded.length; off += 64) {
      for (var i = 0; i < 16; i++) { w[i] = view.getUint32(off + i * 4); }
      for (i = 16; i < 64; i++) {
        var s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        var s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h.map(function (x) { return ("0000000" + (x >>> 0).toString(16)).slice(-8); }).join("");
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (x) {
      return ("0" + x.toString(16)).slice(-2);
    }).join("");
  }

  function fingerprint(file) {
    return file.arrayBuffer().then(function (buffer) {
      if (window.crypto && window.crypto.subtle) {
        return window.crypto.subtle.digest("SHA-256", buffer).then(hex);
      }
      return sha256Hex(new Uint8Array(buffer));
    });
  }

  function verifyBox(form) {
    var file = document.getElementById("verify-file");
    var digest = document.getElementById("verify-sha256");
    var error = document.getElementById("verify-error");
    form.addEventListener("submit", function (e) {
      if (!file.files.length || digest.value) { return; }
      e.preventDefault();
      fingerprint(file.files[0]).then(function (value) {
        digest.value = value;
        form.submit();
      }, function () { error.hidden = false; });
    });
    file.addEventListener("change", function () { digest.value = ""; error.hidden = true; });
  }

  // A form with data-confirm asks before it is sent (reversal, deletion, payment); with
  // data-confirm-when="name", only when that field is filled in (paying everyone still owed is
  // confirmed on a page of its own, listing whom and how much).
  function confirming(form) {
    form.addEventListener("submit", function (e) {
      var when = form.dataset.confirmWhen;
      if (when && !(form.elements[when] && form.elements[when].value.trim())) { return; }
      if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
  }

  // A box that scrolls sideways (a wide table on a phone) is a tab stop, so the arrow keys can
  // scroll it; one that fits again is not.
  function scrollBoxes() {
    document.querySelectorAll("main .scroll, main table").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }

  window.coopledgerSha256 = sha256Hex;  // the fallback, reachable for the browser tests

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("voucher-form");
    if (form) { setup(form); }
    document.querySelectorAll("form[data-confirm]").forEach(confirming);
    var verify = document.getElementById("verify-form");
    if (verify) { verifyBox(verify); }
    scrollBoxes();
    window.addEventListener("resize", scrollBoxes);
  });
})();
