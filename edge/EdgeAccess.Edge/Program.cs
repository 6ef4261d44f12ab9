using EdgeAccess.Edge;

EdgeHost.Build(args).Run();
