import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  announcement,
  createCountdown,
  crossedMark,
  formatClock,
  spokenDuration,
  timerLevel,
} from "../../app/static/js/lib/clock.js";

describe("the clock", () => {
  it("formats minutes and hours", () => {
    assert.equal(formatClock(0), "0:00");
    assert.equal(formatClock(65), "1:05");
    assert.equal(formatClock(3729), "1:02:09");
  });

  it("counts down from the server's figure on the clock it is given", () => {
    let now = 1000;
    const countdown = createCountdown(90.2, () => now);
    assert.equal(countdown.left(), 91);
    now += 30_500;
    assert.equal(countdown.left(), 60);
    countdown.sync(10);
    assert.equal(countdown.left(), 10);
    now += 60_000;
    assert.equal(countdown.left(), 0);
  });
});

describe("the timer's levels", () => {
  const marks = [300, 60];

  it("is calm until the warning mark, then says so in words", () => {
    assert.deepEqual(timerLevel(301, marks), { level: "calm", label: "Time left" });
    assert.deepEqual(timerLevel(300, marks), { level: "warning", label: "Less than 5 min left" });
    assert.deepEqual(timerLevel(60, marks), { level: "urgent", label: "Less than 1 min left" });
    assert.deepEqual(timerLevel(0, marks), { level: "over", label: "Time is up" });
  });

  it("in a 1-minute interview starts calm", () => {
    assert.equal(timerLevel(60, [30, 10]).level, "calm");
    assert.equal(timerLevel(30, [30, 10]).label, "Less than 30 s left");
  });

  it("announces a mark when it is crossed, not when the page opens past it", () => {
    assert.equal(crossedMark(null, 50, marks), null);
    assert.equal(crossedMark(301, 300, marks), 300);
    assert.equal(crossedMark(299, 298, marks), null);
    assert.equal(crossedMark(61, 59, marks), 60);
    assert.equal(crossedMark(400, 30, marks), 60); // asleep past both: the nearer one
    assert.equal(crossedMark(5, 0, marks), null);
  });

  it("says a mark in words", () => {
    assert.equal(announcement(300), "5 minutes left.");
    assert.equal(announcement(60), "1 minute left.");
    assert.equal(announcement(30), "30 seconds left.");
    assert.equal(spokenDuration(150), "2 minutes 30 seconds");
  });
});
