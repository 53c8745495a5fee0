using Subscriptions.OpsCli;

return await SubsCli.RunAsync(args, Console.Out, Console.Error);
