import { describe, expect, it } from "vitest";
import { collectGarbage } from "../src/gc.js";

describe("collectGarbage", () => {
  it("collects what nothing refers to any more, each time it is called", async () => {
    for (let round = 0; round < 2; round++) {
      let ref!: WeakRef<object>;
      (() => {
        ref = new WeakRef({ rows: Array.from({ length: 1000 }, (_, i) => ({ i })) });
      })();
      // A WeakRef's target is kept until the current job ends.
      await new Promise((resolve) => setTimeout(resolve, 0));
      collectGarbage();
      expect(ref.deref(), `round ${round}`).toBeUndefined();
    }
  });
});
