using OrleansCache.Silo.Hosting;

// See SiloCommandLine.Help() (--help) and docs/configuration.md.
return await SiloProgram.RunAsync(args).ConfigureAwait(false);
