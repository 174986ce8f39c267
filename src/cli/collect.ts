import { EXIT, type Command } from "./command.js";

export const collect: Command = {
  name: "collect",
  summary: "fetch every project's figures, score them and write today's snapshot",
  help: "Usage: showdown collect [options]\n",
  options: {},
  maxPositionals: 0,
  async run() {
    return EXIT.error;
  },
};
