// A machine's week calendar: FullCalendar reads the bookings from the JSON feed of the page.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("calendar");
  if (!el || !window.FullCalendar) return;
  var calendar = new FullCalendar.Calendar(el, {
    initialView: "timeGridWeek",
    initialDate: el.dataset.initialDate || undefined,
    locale: el.dataset.locale && el.dataset.locale.indexOf("en") === 0 ? "en" : "ko",
    // Times come and go as the centre's wall clock (Seoul), without an offset.
    timeZone: "UTC",
    firstDay: 1,
    slotMinTime: "08:00:00",
    slotMaxTime: "22:00:00",
    allDaySlot: false,
    height: "auto",
    nowIndicator: true,
    // The library's arrow icons are an inline (data:) font that the page's Content Security
    // Policy blocks: plain arrows instead (the locale's hints still name them for screen readers).
    buttonIcons: false,
    buttonText: { prev: "\u2039", next: "\u203a" },
    events: el.dataset.events,
    selectable: true,
    select: function (info) {
      var form = document.getElementById("book-form");
      if (!form) return;
      form.starts_at.value = info.startStr.slice(0, 16);
      form.ends_at.value = info.endStr.slice(0, 16);
      form.scrollIntoView();
    },
  });
  calendar.render();
});
