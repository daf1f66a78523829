// The page works with plain forms; this adds dropping files, upload and build progress,
// and re-reading the plan as soon as an import option changes.  No library, no network.
"use strict";

const MAX_UPLOAD = 20 * 1024 * 1024;

function showErrors(form, lines) {
  const box = form.querySelector("[data-errors]");
  box.replaceChildren(...lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
  box.hidden = false;
}

function sendForm(form) {
  const input = form.querySelector("input[type=file]");
  const files = Array.from(input.files);
  if (!files.length) return;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > MAX_UPLOAD) {
    const what = files.length > 1 ? "所选文件合计" : `文件“${files[0].name}”`;
    showErrors(form, [`${what}过大（${(total / 1024 / 1024).toFixed(1)} MB），上传上限为 20 MB`]);
    return;
  }
  const status = form.querySelector(".upload-progress");
  const bar = status.querySelector("progress");
  const label = status.querySelector("span");
  form.querySelector("[data-errors]").hidden = true;
  status.hidden = false;
  form.querySelectorAll("button").forEach((b) => (b.disabled = true));
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.setRequestHeader("Accept", "application/json");
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) bar.value = (100 * event.loaded) / event.total;
  };
  request.upload.onload = () => {
    bar.removeAttribute("value");
    label.textContent = "正在读取…";
  };
  const fail = (lines) => {
    status.hidden = true;
    form.querySelectorAll("button").forEach((b) => (b.disabled = false));
    showErrors(form, lines);
  };
  request.onload = () => {
    let answer;
    try {
      answer = JSON.parse(request.responseText);
    } catch (error) {
      fail([`上传失败（${request.status}）`]);
      return;
    }
    if (answer.redirect) go(answer.redirect);
    else fail(answer.errors || ["上传失败"]);
  };
  request.onerror = () => fail(["无法连接本机服务：服务是否已停止？"]);
  request.send(new FormData(form));
}

function go(address) {
  // The same page with another #anchor would only scroll: load it again.
  const target = new URL(address, window.location.href);
  if (target.pathname + target.search === window.location.pathname + window.location.search) {
    window.location.hash = target.hash;
    window.location.reload();
  } else {
    window.location.assign(target);
  }
}

function setUpDrop(form) {
  const zone = form.querySelector(".drop-zone");
  const input = form.querySelector("input[type=file]");
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (!event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    sendForm(form);
  });
  input.addEventListener("change", () => sendForm(form));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendForm(form);
  });
}

function busy(form, text) {
  form.querySelectorAll("button").forEach((b) => (b.disabled = true));
  const note = document.createElement("span");
  note.className = "busy";
  note.setAttribute("role", "status");
  note.textContent = text;
  form.append(note);
}

function pollJob(box) {
  const bar = box.querySelector("progress");
  const label = box.querySelector(".job-label");
  const tick = async () => {
    try {
      const job = await (await fetch(box.dataset.job, { cache: "no-store" })).json();
      if (job.total) {
        bar.max = job.total;
        bar.value = job.done;
        label.textContent = `正在生成… ${job.done}/${job.total} ${job.label}`;
      }
      if (job.finished) {
        window.location.reload();
        return;
      }
    } catch (error) {
      label.textContent = "无法连接本机服务：服务是否已停止？";
    }
    window.setTimeout(tick, 300);
  };
  tick();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-drop]").forEach(setUpDrop);
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelectorAll("select, input[type=checkbox]").forEach((field) =>
      field.addEventListener("change", () => {
        busy(form, "正在重新读取…");
        form.submit();
      }),
    );
  });
  document.querySelectorAll("form[data-busy]").forEach((form) =>
    form.addEventListener("submit", (event) => {
      // a download leaves the page as it is: nothing to wait for
      if (!event.submitter || !event.submitter.hasAttribute("data-download")) busy(form, form.dataset.busy);
    }),
  );
  const build = document.getElementById("build-form");
  if (build) build.addEventListener("submit", () => busy(build, "正在开始…"));
  document.querySelectorAll("[data-job]").forEach(pollJob);
});
