# syntax=docker/dockerfile:1
# One image per app: docker build --target emulator|proxy|web -t emrportal-<app> .   (the default target is web)
# The publish commands below are the ones ./test.sh runs (tests/EmrPortal.EndToEnd.Tests/DockerfileTests.cs keeps
# them in sync), and CI smoke-starts what they produce, since no Docker engine runs there.
# No secret is baked in: cloud keys, demo/Entra settings and connection strings come from the environment at run time.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Restore first, from the project files only, so the package layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/EmrPortal.Contracts/EmrPortal.Contracts.csproj src/EmrPortal.Contracts/
COPY src/EmrPortal.Emr/EmrPortal.Emr.csproj src/EmrPortal.Emr/
COPY src/EmrPortal.ServiceDefaults/EmrPortal.ServiceDefaults.csproj src/EmrPortal.ServiceDefaults/
COPY src/EmrPortal.Emulator/EmrPortal.Emulator.csproj src/EmrPortal.Emulator/
COPY src/EmrPortal.PortalData/EmrPortal.PortalData.csproj src/EmrPortal.PortalData/
COPY src/EmrPortal.Proxy/EmrPortal.Proxy.csproj src/EmrPortal.Proxy/
COPY src/EmrPortal.Web/EmrPortal.Web.csproj src/EmrPortal.Web/
# Restored for linux-x64 with ReadyToRun, as the publish commands below need (so their own restore is a no-op).
RUN dotnet restore src/EmrPortal.Emulator/EmrPortal.Emulator.csproj -r linux-x64 -p:PublishReadyToRun=true \
 && dotnet restore src/EmrPortal.Proxy/EmrPortal.Proxy.csproj -r linux-x64 -p:PublishReadyToRun=true \
 && dotnet restore src/EmrPortal.Web/EmrPortal.Web.csproj -r linux-x64 -p:PublishReadyToRun=true
# The portal's static assets live at the repository root (src/EmrPortal.Web defines them as its static web assets).
COPY wwwroot/ wwwroot/
COPY src/ src/

FROM build AS publish-emulator
RUN dotnet publish src/EmrPortal.Emulator/EmrPortal.Emulator.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -nologo -o /app

FROM build AS publish-proxy
RUN dotnet publish src/EmrPortal.Proxy/EmrPortal.Proxy.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -nologo -o /app
# The runtime image has no shell to create it: the (empty) data folder is made here and copied with its owner.
RUN mkdir -p /app-data

FROM build AS publish-web
RUN dotnet publish src/EmrPortal.Web/EmrPortal.Web.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -nologo -o /app

# Shared runtime: chiseled Ubuntu with ASP.NET Core (the "extra" variant carries ICU and time zones, which the
# portal's culture-aware formatting needs). No shell, no package manager, non-root "app" user (uid 1654) by default.
# No HEALTHCHECK: there is no shell or curl to run one. Orchestrators probe /health/live and /health/ready over HTTP
# (deploy/kubernetes does); see docs/operations.md for plain Docker.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS runtime
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1
EXPOSE 8080
USER $APP_UID

FROM runtime AS emulator
COPY --from=publish-emulator /app .
ENTRYPOINT ["dotnet", "EmrPortal.Emulator.dll"]

FROM runtime AS proxy
COPY --from=publish-proxy /app .
# The embedded SQLite portal database lives here (mount a volume, or use PostgreSQL via ConnectionStrings__portaldb).
COPY --from=publish-proxy --chown=$APP_UID:$APP_UID /app-data/ /app/data/
VOLUME /app/data
ENTRYPOINT ["dotnet", "EmrPortal.Proxy.dll"]

FROM runtime AS web
COPY --from=publish-web /app .
ENTRYPOINT ["dotnet", "EmrPortal.Web.dll"]
