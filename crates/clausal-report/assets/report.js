/* clausal report: sorting, filtering and paging of the tables.
 *
 * Pages work without this script: it only adds to them. A paged table (section.paged) shows
 * its static page until the first sort or filter; then the rows of every page are read from
 * assets/data/<name>-<k>.js (script files: pages opened from disk may not fetch) and the
 * result is shown a page at a time. A small table (table.sortable) is sorted in place.
 * Rows are built with textContent and setAttribute only: no markup is ever parsed from data.
 * The URL hash can set the state: #q=words&sort=-4&col2=amendment (sort by column 4,
 * descending; column 2 equal to "amendment").
 */
(function () {
  "use strict";
  var R = (window.clausalReport = window.clausalReport || {});
  R.chunks = R.chunks || {};
  R.chunk = function (name, index, rows) {
    (R.chunks[name] = R.chunks[name] || [])[index] = rows;
  };

  var doc = document;
  var root = doc.documentElement;
  var SAFE_HREF = /^[A-Za-z0-9_\-\/]+\.html(#[A-Za-z0-9_\-]*)?$/;
  var SAFE_CLASS = /^[a-z0-9_\-]+$/;
  var slice = Array.prototype.slice;

  function cellText(c) {
    if (c === null || c === undefined) return "";
    if (typeof c === "object") return c.t === undefined ? "" : String(c.t);
    return String(c);
  }

  function cellNum(c) {
    if (c && typeof c === "object" && typeof c.v === "number") return c.v;
    var n = parseFloat(cellText(c));
    return isNaN(n) ? -Infinity : n;
  }

  function renderCell(c) {
    var td = doc.createElement("td");
    if (c && typeof c === "object") {
      if (typeof c.v === "number") td.className = "num";
      if (c.h !== undefined) {
        var a = doc.createElement("a");
        var href = String(c.h);
        if (SAFE_HREF.test(href)) a.setAttribute("href", href);
        a.textContent = cellText(c);
        td.appendChild(a);
        return td;
      }
      if (c.c !== undefined) {
        var s = doc.createElement("span");
        s.className = SAFE_CLASS.test(String(c.c)) ? "badge " + c.c : "badge";
        s.textContent = cellText(c);
        td.appendChild(s);
        return td;
      }
    }
    td.textContent = cellText(c);
    return td;
  }

  function hashParams() {
    var out = {};
    var h = (window.location.hash || "").replace(/^#/, "");
    if (!h) return out;
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      var k = i < 0 ? kv : kv.slice(0, i);
      var v = i < 0 ? "" : kv.slice(i + 1);
      try {
        out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, " "));
      } catch (e) {
        /* a malformed part is ignored */
      }
    });
    return out;
  }

  function markSorted(ths, col, dir) {
    ths.forEach(function (th, i) {
      if (i === col) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  function isNum(th) {
    return th.getAttribute("data-type") === "num";
  }

  /* A small table, sorted in place. */
  function sortable(table) {
    if (!table.tHead || !table.tHead.rows.length || !table.tBodies.length) return;
    var ths = slice.call(table.tHead.rows[0].cells);
    var state = { col: -1, dir: 1 };
    ths.forEach(function (th, col) {
      var button = th.querySelector("button.sort");
      if (!button) return;
      button.addEventListener("click", function () {
        state.dir = state.col === col ? -state.dir : isNum(th) ? -1 : 1;
        state.col = col;
        markSorted(ths, col, state.dir);
        var tbody = table.tBodies[0];
        var num = isNum(th);
        var keyed = slice.call(tbody.rows)
          .filter(function (r) {
            return !r.classList.contains("empty");
          })
          .map(function (r, n) {
            var c = r.cells[col];
            var k;
            if (!c) k = num ? -Infinity : "";
            else if (num) {
              k = parseFloat(c.getAttribute("data-v"));
              if (isNaN(k)) k = parseFloat(c.textContent);
              if (isNaN(k)) k = -Infinity;
            } else k = c.textContent.trim().toLowerCase();
            return { r: r, k: k, n: n };
          });
        keyed.sort(function (a, b) {
          var d = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
          return d !== 0 ? d * state.dir : a.n - b.n;
        });
        keyed.forEach(function (x) {
          tbody.appendChild(x.r);
        });
      });
    });
  }

  /* A paged table over the data files. */
  function Paged(section) {
    var self = this;
    this.section = section;
    this.name = section.getAttribute("data-table");
    this.chunks = parseInt(section.getAttribute("data-chunks"), 10) || 0;
    this.pageSize = parseInt(section.getAttribute("data-page-size"), 10) || 200;
    this.table = section.querySelector("table");
    this.tbody = this.table.tBodies[0];
    this.ths = slice.call(this.table.tHead.rows[0].cells);
    this.input = section.querySelector('input[type="search"]');
    this.selects = slice.call(section.querySelectorAll("select[data-col]"));
    this.status = section.querySelector(".status");
    this.jspager = section.querySelector(".jspager");
    this.rows = null;
    this.loading = false;
    this.waiting = [];
    this.sortCol = -1;
    this.sortDir = 1;
    this.page = 0;
    this.view = [];

    this.ths.forEach(function (th, i) {
      var button = th.querySelector("button.sort");
      if (button)
        button.addEventListener("click", function () {
          self.sortBy(i, 0);
        });
    });
    var timer = null;
    if (this.input)
      this.input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          self.update();
        }, 150);
      });
    this.selects.forEach(function (s) {
      s.addEventListener("change", function () {
        self.update();
      });
    });
    var form = section.querySelector("form.controls");
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        self.update();
      });
      form.addEventListener("reset", function () {
        /* The reset event comes before the controls are reset. */
        setTimeout(function () {
          self.sortCol = -1;
          self.sortDir = 1;
          self.ths.forEach(function (th) {
            th.removeAttribute("aria-sort");
          });
          self.update();
        }, 0);
      });
    }
    if (this.jspager) {
      this.jspager.querySelector(".prev").addEventListener("click", function () {
        self.go(self.page - 1);
      });
      this.jspager.querySelector(".next").addEventListener("click", function () {
        self.go(self.page + 1);
      });
    }
  }

  Paged.prototype.say = function (msg) {
    if (this.status) this.status.textContent = msg;
  };

  Paged.prototype.load = function (done) {
    var self = this;
    if (this.rows) {
      done();
      return;
    }
    this.waiting.push(done);
    if (this.loading) return;
    this.loading = true;
    if (this.chunks === 0) {
      this.rows = [];
      this.flush();
      return;
    }
    this.say("Reading every row…");
    var left = this.chunks;
    var failed = false;
    for (var k = 0; k < this.chunks; k++) {
      var s = doc.createElement("script");
      s.src = "assets/data/" + this.name + "-" + k + ".js";
      s.onload = function () {
        left -= 1;
        if (left === 0 && !failed) self.assemble();
      };
      s.onerror = function () {
        if (failed) return;
        failed = true;
        self.loading = false;
        self.waiting = [];
        self.say("The table's data files (assets/data/) could not be read: this page shows its own rows only.");
      };
      doc.head.appendChild(s);
    }
  };

  Paged.prototype.assemble = function () {
    var parts = R.chunks[this.name] || [];
    var rows = [];
    for (var k = 0; k < this.chunks; k++) {
      var part = parts[k] || [];
      for (var i = 0; i < part.length; i++) rows.push({ cells: part[i], n: rows.length, text: null });
    }
    this.rows = rows;
    this.flush();
  };

  Paged.prototype.flush = function () {
    var waiting = this.waiting;
    this.waiting = [];
    waiting.forEach(function (f) {
      f();
    });
  };

  Paged.prototype.active = function () {
    return (
      (this.input && this.input.value.trim() !== "") ||
      this.sortCol >= 0 ||
      this.selects.some(function (s) {
        return s.value !== "";
      })
    );
  };

  Paged.prototype.update = function () {
    var self = this;
    if (!this.rows && !this.active()) return; /* the static page is the answer */
    this.load(function () {
      self.apply();
    });
  };

  Paged.prototype.apply = function () {
    var q = this.input ? this.input.value.trim().toLowerCase() : "";
    var words = q ? q.split(/\s+/) : [];
    var chosen = this.selects
      .map(function (s) {
        return { col: parseInt(s.getAttribute("data-col"), 10), value: s.value };
      })
      .filter(function (f) {
        return f.value !== "";
      });
    var view = this.rows.filter(function (r) {
      for (var j = 0; j < chosen.length; j++) {
        if (cellText(r.cells[chosen[j].col]) !== chosen[j].value) return false;
      }
      if (!words.length) return true;
      if (r.text === null) r.text = r.cells.map(cellText).join(" \u0001 ").toLowerCase();
      for (var i = 0; i < words.length; i++) {
        if (r.text.indexOf(words[i]) < 0) return false;
      }
      return true;
    });
    if (this.sortCol >= 0) {
      var col = this.sortCol;
      var dir = this.sortDir;
      var num = isNum(this.ths[col]);
      view.sort(function (a, b) {
        var x = num ? cellNum(a.cells[col]) : cellText(a.cells[col]).toLowerCase();
        var y = num ? cellNum(b.cells[col]) : cellText(b.cells[col]).toLowerCase();
        var d = x < y ? -1 : x > y ? 1 : 0;
        return d !== 0 ? d * dir : a.n - b.n;
      });
    }
    this.view = view;
    this.section.classList.add("dynamic");
    this.section.setAttribute("data-rows", String(view.length));
    this.go(0);
  };

  Paged.prototype.go = function (page) {
    var pages = Math.max(1, Math.ceil(this.view.length / this.pageSize));
    page = Math.max(0, Math.min(page, pages - 1));
    this.page = page;
    var start = page * this.pageSize;
    var end = Math.min(start + this.pageSize, this.view.length);
    var frag = doc.createDocumentFragment();
    for (var i = start; i < end; i++) {
      var tr = doc.createElement("tr");
      var cells = this.view[i].cells;
      for (var j = 0; j < cells.length; j++) tr.appendChild(renderCell(cells[j]));
      frag.appendChild(tr);
    }
    if (end === start) {
      var empty = doc.createElement("tr");
      var td = doc.createElement("td");
      empty.className = "empty";
      td.colSpan = this.ths.length;
      td.textContent = "No rows match.";
      empty.appendChild(td);
      frag.appendChild(empty);
    }
    while (this.tbody.firstChild) this.tbody.removeChild(this.tbody.firstChild);
    this.tbody.appendChild(frag);
    var all = this.rows.length;
    var msg =
      this.view.length === 0
        ? "no rows match"
        : "rows " + (start + 1) + "–" + end + " of " + this.view.length + (this.view.length !== all ? " (" + all + " in all)" : "");
    var range = this.table.caption ? this.table.caption.querySelector(".range") : null;
    if (range) range.textContent = " — " + msg;
    this.say(msg.charAt(0).toUpperCase() + msg.slice(1) + ".");
    if (this.jspager) {
      this.jspager.hidden = pages <= 1;
      this.jspager.querySelector(".pageinfo").textContent = "Page " + (page + 1) + " of " + pages;
      this.jspager.querySelector(".prev").disabled = page === 0;
      this.jspager.querySelector(".next").disabled = page >= pages - 1;
    }
  };

  /* dir: 1 ascending, -1 descending, 0 toggle (numbers start descending, text ascending). */
  Paged.prototype.sortBy = function (col, dir) {
    if (col < 0 || col >= this.ths.length) return;
    if (dir) this.sortDir = dir;
    else if (this.sortCol === col) this.sortDir = -this.sortDir;
    else this.sortDir = isNum(this.ths[col]) ? -1 : 1;
    this.sortCol = col;
    markSorted(this.ths, col, this.sortDir);
    this.update();
  };

  Paged.prototype.fromHash = function (p) {
    var changed = false;
    if (p.q !== undefined && this.input) {
      this.input.value = p.q;
      changed = true;
    }
    this.selects.forEach(function (s) {
      var v = p["col" + s.getAttribute("data-col")];
      if (v === undefined) return;
      for (var i = 0; i < s.options.length; i++) {
        if (s.options[i].value === v) {
          s.value = v;
          changed = true;
        }
      }
    });
    if (p.sort !== undefined && /^-?\d+$/.test(p.sort)) {
      var col = Math.abs(parseInt(p.sort, 10));
      if (col < this.ths.length) {
        this.sortCol = col;
        this.sortDir = p.sort.charAt(0) === "-" ? -1 : 1;
        markSorted(this.ths, col, this.sortDir);
        changed = true;
      }
    }
    if (changed) this.update();
  };

  function init() {
    root.classList.add("js");
    slice.call(doc.querySelectorAll("table.sortable")).forEach(sortable);
    var paged = slice.call(doc.querySelectorAll("section.paged")).map(function (s) {
      return new Paged(s);
    });
    var params = hashParams();
    paged.forEach(function (p) {
      p.fromHash(params);
    });
    window.addEventListener("hashchange", function () {
      var next = hashParams();
      paged.forEach(function (p) {
        p.fromHash(next);
      });
    });
    root.setAttribute("data-js", "ready");
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
