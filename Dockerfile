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
RUN dotnet restore src/EmrPortal.Emulator/EmrPortal.Emulator.csproj \
 && dotnet restore src/EmrPortal.Proxy/EmrPortal.Proxy.csproj \
 && dotnet restore src/EmrPortal.Web/EmrPortal.Web.csproj
# The portal's static assets live at the repository root (src/EmrPortal.Web defines them as its static web assets).
COPY wwwroot/ wwwroot/
COPY src/ src/

FROM build AS publish-emulator
RUN dotnet publish src/EmrPortal.Emulator/EmrPortal.Emulator.csproj -c Release --no-restore -nologo -o /app

FROM build AS publish-proxy
RUN dotnet publish src/EmrPortal.Proxy/EmrPortal.Proxy.csproj -c Release --no-restore -nologo -o /app

FROM build AS publish-web
RUN dotnet publish src/EmrPortal.Web/EmrPortal.Web.csproj -c Release --no-restore -nologo -o /app

# Shared runtime: ASP.NET Core only (no SDK), listening on 8080 as the image's unprivileged "app" user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1
EXPOSE 8080
# The aspnet image has no curl or wget; bash's /dev/tcp speaks just enough HTTP/1.0 to read the status line.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${ASPNETCORE_HTTP_PORTS%%[;,]*} && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# The proxy's embedded SQLite portal database lives here (mount a volume, or use PostgreSQL via ConnectionStrings__portaldb).
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
USER $APP_UID

FROM runtime AS emulator
COPY --from=publish-emulator /app .
ENTRYPOINT ["dotnet", "EmrPortal.Emulator.dll"]

FROM runtime AS proxy
COPY --from=publish-proxy /app .
VOLUME /app/data
ENTRYPOINT ["dotnet", "EmrPortal.Proxy.dll"]

FROM runtime AS web
COPY --from=publish-web /app .
ENTRYPOINT ["dotnet", "EmrPortal.Web.dll"]
