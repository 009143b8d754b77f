// Reads an iCalendar feed on stdin with ical.js (Mozilla's parser, Thunderbird's) and prints,
// as JSON, what a calendar app takes from it. A feed ical.js cannot parse exits non-zero.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const calendar = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));

const text = (value) => (value === null || value === undefined ? null : String(value));
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    location: event.location,
    description: text(event.description),
    start: event.startDate.toString(),
    end: event.endDate.toString(),
    all_day: event.startDate.isDate && event.endDate.isDate,
    sequence: event.sequence,
    status: text(component.getFirstPropertyValue("status")),
    stamp: event.component.getFirstPropertyValue("dtstamp").toString(),
  };
});
process.stdout.write(
  JSON.stringify({
    version: text(calendar.getFirstPropertyValue("version")),
    name: text(calendar.getFirstPropertyValue("x-wr-calname")),
    time_zone: text(calendar.getFirstPropertyValue("x-wr-timezone")),
    refresh_interval: text(calendar.getFirstPropertyValue("refresh-interval")),
    events,
  }),
);
