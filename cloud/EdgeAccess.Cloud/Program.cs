using EdgeAccess.Cloud;

CloudHost.Build(args).Run();
