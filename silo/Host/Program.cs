using Subscriptions.Silo;

return await SiloProgram.RunAsync(args);
