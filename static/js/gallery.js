// Product gallery: a thumbnail scrolls its picture into view without moving the page, and
// the thumbnail of the picture in view is marked. Without this script the links still work.
document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
  var strip = gallery.querySelector(".gallery-slides");
  var links = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-thumbs a"));
  function mark(index) {
    links.forEach(function (link, i) {
      if (i === index) { link.setAttribute("aria-current", "true"); }
      else { link.removeAttribute("aria-current"); }
    });
  }
  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      var slide = document.getElementById(link.hash.slice(1));
      if (!slide) { return; }
      event.preventDefault();
      strip.scrollTo({ left: slide.offsetLeft - strip.offsetLeft });
      mark(index);
    });
  });
  strip.addEventListener("scroll", function () {
    mark(Math.round(strip.scrollLeft / Math.max(1, strip.clientWidth)));
  }, { passive: true });
});
