// The "Chia sẻ" button (templates/share_brief.html): the day's picture to the phone's share
// sheet (Web Share API with files) where the browser offers it, else the link's own download.
(function () {
  "use strict";
  if (!navigator.canShare || !window.fetch || !window.File) return;
  document.querySelectorAll("a[data-share]").forEach(function (link) {
    if (link.dataset.shareReady) return;
    link.dataset.shareReady = "1";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(link.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.blob();
        })
        .then(function (blob) {
          var name = link.href.split("?")[0].split("/").pop() || "brief.png";
          var file = new File([blob], name, { type: "image/png" });
          var data = { files: [file], title: link.dataset.title || "" };
          if (!navigator.canShare(data)) throw new Error("no file sharing");
          return navigator.share(data);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return; // the person closed the sheet
          window.location.href = link.href; // the picture itself, to save
        });
    });
  });
})();
