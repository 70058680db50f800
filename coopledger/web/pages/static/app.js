// coopledger pages: the voucher grid's live debit/credit difference, member/fund pickers, add line.
// Plain JavaScript, no inline handlers (the Content-Security-Policy allows scripts from 'self' only).
(function () {
  "use strict";

  function fen(text) {
    var t = (text || "").trim();
    if (!/^\d{1,13}(\.\d{1,2})?$/.test(t)) { return t === "" ? 0 : NaN; }
    var parts = t.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function show(f) {
    var s = String(Math.abs(f) % 100);
    var yuan = String(Math.floor(Math.abs(f) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (f < 0 ? "-" : "") + yuan + "." + (s.length < 2 ? "0" + s : s);
  }

  function options() {
    var map = {};
    var list = document.getElementById("accounts");
    if (!list) { return map; }
    Array.prototype.forEach.call(list.options, function (o) {
      map[o.value] = { sub: o.dataset.sub, name: o.textContent };
    });
    return map;
  }

  function setup(form) {
    var accounts = options();
    var body = form.querySelector("#lines tbody");
    var diff = document.getElementById("difference");

    function refresh() {
      var debit = 0, credit = 0, bad = false;
      body.querySelectorAll("input.debit").forEach(function (i) { var v = fen(i.value); if (isNaN(v)) { bad = true; } else { debit += v; } });
      body.querySelectorAll("input.credit").forEach(function (i) { var v = fen(i.value); if (isNaN(v)) { bad = true; } else { credit += v; } });
      document.getElementById("total-debit").textContent = show(debit);
      document.getElementById("total-credit").textContent = show(credit);
      var d = debit - credit;
      diff.dataset.fen = bad ? "" : String(d);
      var balanced = !bad && d === 0 && debit > 0;
      diff.classList.toggle("balanced", balanced);
      diff.textContent = bad ? "?" : balanced ? diff.dataset.balanced + " 0.00" : diff.dataset.label + " " + show(d);
    }

    function pickers(row) {
      var account = row.querySelector("input.account");
      var found = accounts[(account.value || "").trim().split(" ")[0]];
      var sub = found ? found.sub : undefined;
      var label = row.querySelector(".account-name");
      if (label) { label.textContent = found ? found.name : ""; }
      var member = row.querySelector("input.member");
      var fund = row.querySelector("input.fund");
      member.classList.toggle("needed", sub === "member");
      member.classList.toggle("unused", sub !== undefined && sub !== "member" && !member.value);
      fund.classList.toggle("needed", sub === "fund");
      fund.classList.toggle("unused", sub !== undefined && sub !== "fund" && !fund.value);
    }

    body.addEventListener("input", function (e) {
      if (e.target.classList.contains("amount")) { refresh(); }
      if (e.target.classList.contains("account")) { pickers(e.target.closest("tr")); }
    });
    body.querySelectorAll("tr.line").forEach(pickers);

    var add = document.getElementById("add-line");
    if (add) {
      add.addEventListener("click", function () {
        var rows = body.querySelectorAll("tr.line");
        var copy = rows[rows.length - 1].cloneNode(true);
        var n = rows.length;
        copy.querySelectorAll("input").forEach(function (i) {
          i.name = i.name.replace(/^lines-\d+-/, "lines-" + n + "-");
          i.value = "";
          i.classList.remove("needed", "unused");
        });
        copy.querySelectorAll(".field-error").forEach(function (s) { s.remove(); });
        copy.querySelectorAll(".account-name").forEach(function (s) { s.textContent = ""; });
        body.appendChild(copy);
        copy.querySelector("input.account").focus();
      });
    }
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("voucher-form");
    if (form) { setup(form); }
  });
})();
