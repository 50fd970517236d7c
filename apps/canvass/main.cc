// canvass: every front end in one binary; see src/cli/ for the subcommands.
#include "cli/cli.h"

int main(int argc, char** argv) { return canvass::cli::RunCli(argc, argv); }
