import type { Subcommand } from './subcommand.js';

// Placeholder until its issue lands; replaced by the real subcommand.
const command: Subcommand = {
  summary: '(not built yet)',
  usage: 'anirec eval: not built yet',
  async run() {
    process.stderr.write('anirec eval: not built yet\n');
    return 1;
  },
};
export default command;
